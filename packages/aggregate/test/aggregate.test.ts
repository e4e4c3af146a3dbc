import {
  Aggregate,
  type EventHandlers,
  isUnknownEventTypeError,
  UnknownEventTypeError,
} from '@dynamo-es/aggregate';
import { isInvalidInputError } from '@dynamo-es/event-store';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertySeed } from '../../../test/support/property-seed.js';
import {
  type AccountEvent,
  type AccountState,
  BankAccount,
  deposited,
  opened,
  withdrawn,
} from './fixtures/bank-account.js';

class TolerantAccount extends BankAccount {
  protected override readonly unknownEvents = 'ignore';
}

describe('Aggregate', () => {
  it('applies a raised event to its state and records it as uncommitted', () => {
    const account = new BankAccount('account-1');
    account.open('Ada');
    account.deposit(10);
    expect(account.state).toEqual({ open: true, owner: 'Ada', balance: 10 });
    expect(account.uncommittedEvents).toEqual([opened('Ada'), deposited(10)]);
    expect(account.version).toBe(0);
  });

  it('replays history through the same handlers and advances its version', () => {
    const account = new BankAccount('account-1');
    account.loadFromHistory([opened(), deposited(10), withdrawn(3)]);
    expect(account.state).toEqual({ open: true, owner: 'Ada', balance: 7 });
    expect(account.version).toBe(3);
    expect(account.uncommittedEvents).toEqual([]);
  });

  it('rejects stored history whose versions are not contiguous', () => {
    const account = new BankAccount('account-1');
    const stored = (version: number) => ({ ...opened(), version }) as unknown as AccountEvent;
    expect(() => account.loadFromHistory([stored(2)])).toThrow(/next event must have version 1, not 2/);
  });

  it('fails a replay of an unknown event type with a typed error naming it', () => {
    const account = new BankAccount('account-1');
    const renamed = { type: 'AccountRenamed', data: {} } as unknown as AccountEvent;
    const error = catchError(() => account.loadFromHistory([opened(), renamed]));
    expect(error).toBeInstanceOf(UnknownEventTypeError);
    expect(isUnknownEventTypeError(error)).toBe(true);
    expect(error).toMatchObject({
      eventType: 'AccountRenamed',
      aggregateType: 'BankAccount',
      streamId: 'account-1',
      version: 2,
    });
  });

  it('skips unknown event types on replay when it opts in, still advancing its version', () => {
    const account = new TolerantAccount('account-1');
    const renamed = { type: 'AccountRenamed', data: {} } as unknown as AccountEvent;
    account.loadFromHistory([opened(), renamed, deposited(5)]);
    expect(account.version).toBe(3);
    expect(account.state.balance).toBe(5);
  });

  it('does not mistake Object.prototype members for handlers', () => {
    const account = new TolerantAccount('account-1');
    const odd = { type: 'constructor', data: {} } as unknown as AccountEvent;
    expect(() => (account as unknown as { raise(e: AccountEvent): void }).raise(odd)).toThrow(
      UnknownEventTypeError,
    );
  });

  it('goes back to its committed state when its changes are discarded', () => {
    const account = new BankAccount('account-1');
    account.loadFromHistory([opened(), deposited(10)]);
    account.deposit(5);
    account.discardChanges();
    expect(account.state.balance).toBe(10);
    expect(account.uncommittedEvents).toEqual([]);
  });

  it('marks its changes committed only at the version they were stored at', () => {
    const account = new BankAccount('account-1');
    account.open('Ada');
    account.deposit(1);
    expect(() => account.markCommitted(3)).toThrow(/end at version 2, not 3/);
    account.markCommitted(2);
    expect(account.version).toBe(2);
    expect(account.uncommittedEvents).toEqual([]);
  });

  it('starts from a snapshot and replays what follows', () => {
    const account = new BankAccount('account-1');
    account.restoreSnapshot({ state: { open: true, owner: 'Ada', balance: 100 }, version: 40 });
    account.loadFromHistory([{ ...deposited(1), version: 41 } as unknown as AccountEvent]);
    expect(account.version).toBe(41);
    expect(account.state.balance).toBe(101);
    expect(() => account.restoreSnapshot({ state: account.state, version: 1 })).toThrow(
      /already holds 41 events/,
    );
  });

  it('refuses to replay history over uncommitted events', () => {
    const account = new BankAccount('account-1');
    account.open('Ada');
    expect(() => account.loadFromHistory([deposited(1)])).toThrow(/uncommitted/);
  });

  it('rejects a malformed id with a typed error', () => {
    const error = catchError(() => new BankAccount(''));
    expect(isInvalidInputError(error)).toBe(true);
  });

  it('makes the compiler flag a missing handler', () => {
    class Incomplete extends Aggregate<AccountState, AccountEvent> {
      protected readonly initialState: AccountState = { open: false, balance: 0 };
      // @ts-expect-error MoneyWithdrawn has no handler.
      protected readonly handlers = this.defineHandlers({
        AccountOpened: (state) => state,
        MoneyDeposited: (state) => state,
      });
    }
    const handlers: EventHandlers<AccountState, AccountEvent> = {
      AccountOpened: (state, event) => ({ ...state, owner: event.data.owner }),
      MoneyDeposited: (state, event) => ({ ...state, balance: state.balance + event.data.amount }),
      // @ts-expect-error a handler's event is inferred from its key: MoneyWithdrawn has no owner.
      MoneyWithdrawn: (state, event) => ({ ...state, owner: event.data.owner }),
    };
    expect(new Incomplete('x').version).toBe(0);
    expect(Object.keys(handlers)).toHaveLength(3);
  });

  it('reaches the same state by replaying its events as by raising them (property)', () => {
    const command = fc.oneof(
      fc.record({ kind: fc.constant('deposit' as const), amount: fc.integer({ min: 1, max: 1000 }) }),
      fc.record({ kind: fc.constant('withdraw' as const), amount: fc.integer({ min: 1, max: 1000 }) }),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        const live = new BankAccount('account-1');
        live.open('Ada');
        for (const { kind, amount } of commands) {
          if (kind === 'deposit') live.deposit(amount);
          else if (live.state.balance >= amount) live.withdraw(amount);
        }
        const replayed = new BankAccount('account-1');
        replayed.loadFromHistory(live.uncommittedEvents);
        expect(replayed.state).toEqual(live.state);
        expect(replayed.version).toBe(live.uncommittedEvents.length);
      }),
      { seed: propertySeed('replay equals live') },
    );
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
