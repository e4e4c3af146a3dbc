import { DeciderCommandHandler, handleCommand, isRetriesExhaustedError } from '@dynamo-es/aggregate';
import { specifyDecider } from '@dynamo-es/aggregate/testing';
import {
  type AppendOptions,
  type AppendResult,
  type EventShape,
  EventStore,
  isInvalidInputError,
  type NewEventOf,
  SnapshotStore,
} from '@dynamo-es/event-store';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { propertySeed } from '../../../test/support/property-seed.js';
import {
  type AccountCommand,
  AccountNotOpenError,
  type AccountState,
  bankAccount,
  deposited,
  InsufficientFundsError,
  opened,
  withdrawn,
} from './fixtures/bank-account.js';
import { createTables } from './support/tables.js';

const given = specifyDecider(bankAccount);

describe('bank account decider (specifications)', () => {
  it('opens an account once', () => {
    given([])
      .when({ type: 'OpenAccount', owner: 'Ada' })
      .then([opened('Ada')]);
    given([opened('Ada')])
      .when({ type: 'OpenAccount', owner: 'Ada' })
      .then([]);
  });

  it('deposits into an open account only', () => {
    given([opened()])
      .when({ type: 'Deposit', amount: 5 })
      .then([deposited(5)]);
    given([]).when({ type: 'Deposit', amount: 5 }).thenThrows(AccountNotOpenError);
  });

  it('refuses to withdraw more than the balance', () => {
    given([opened(), deposited(5)])
      .when({ type: 'Withdraw', amount: 5 })
      .then([withdrawn(5)]);
    const error = given([opened(), deposited(5), withdrawn(1)])
      .when({ type: 'Withdraw', amount: 5 })
      .thenThrows(InsufficientFundsError);
    expect(error.balance).toBe(4);
  });

  it('never lets the balance go negative (property)', () => {
    const command = fc.oneof(
      fc.record({ type: fc.constant('Deposit' as const), amount: fc.integer({ min: 1, max: 100 }) }),
      fc.record({ type: fc.constant('Withdraw' as const), amount: fc.integer({ min: 1, max: 100 }) }),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 30 }), (commands) => {
        let state = bankAccount.evolve(bankAccount.initialState(), opened());
        for (const next of commands) {
          state = decideAndEvolve(state, next);
          expect(state.balance).toBeGreaterThanOrEqual(0);
        }
      }),
      { seed: propertySeed('balance never negative') },
    );
  });
});

/** Applies a command's events, or keeps the state when the decider refuses it for lack of funds. */
function decideAndEvolve(state: AccountState, command: AccountCommand): AccountState {
  try {
    const decided = bankAccount.decide(command, state);
    return (Array.isArray(decided) ? decided : [decided]).reduce(bankAccount.evolve, state);
  } catch (error) {
    if (error instanceof InsufficientFundsError) return state;
    throw error;
  }
}

describe('DeciderCommandHandler (DynamoDB Local)', () => {
  let tables: { events: string; snapshots: string };
  let store: EventStore;

  /** A store whose first `races` appends each find that another writer (a real one) appended just before. */
  class RacingStore extends EventStore {
    #races: number;
    constructor(races: number) {
      super({ client: testClient(), tableName: tables.events });
      this.#races = races;
    }
    override async append<T extends EventShape>(
      streamId: string,
      events: readonly NewEventOf<T>[],
      options: AppendOptions,
    ): Promise<AppendResult<T>> {
      if (this.#races-- > 0) await store.append(streamId, [deposited(1)], { expectedVersion: 'any' });
      return super.append(streamId, events, options);
    }
  }

  beforeAll(async () => {
    tables = await createTables();
    store = new EventStore({ client: testClient(), tableName: tables.events });
  });

  it('loads, decides and appends with the loaded version', async () => {
    const accounts = new DeciderCommandHandler({ store, decider: bankAccount });
    const id = uniqueId('account');
    await accounts.handle(id, { type: 'OpenAccount', owner: 'Ada' });
    const result = await accounts.handle(
      id,
      { type: 'Deposit', amount: 5 },
      { metadata: { correlationId: 'c-1' } },
    );
    expect(result).toMatchObject({
      version: 2,
      attempts: 1,
      state: { open: true, owner: 'Ada', balance: 5 },
    });
    expect(result.events.map((event) => [event.version, event.type, event.metadata])).toEqual([
      [2, 'MoneyDeposited', { correlationId: 'c-1' }],
    ]);
  });

  it('appends nothing when the decision is no events', async () => {
    const id = uniqueId('account');
    await handleCommand({
      store,
      decider: bankAccount,
      streamId: id,
      command: { type: 'OpenAccount', owner: 'Ada' },
    });
    const again = await handleCommand({
      store,
      decider: bankAccount,
      streamId: id,
      command: { type: 'OpenAccount', owner: 'Bob' },
    });
    expect(again).toMatchObject({ version: 1, events: [], state: { owner: 'Ada' } });
  });

  it('passes domain errors through, writing nothing', async () => {
    const id = uniqueId('account');
    const attempt = handleCommand({
      store,
      decider: bankAccount,
      streamId: id,
      command: { type: 'Deposit', amount: 1 },
    });
    await expect(attempt).rejects.toBeInstanceOf(AccountNotOpenError);
    expect(await store.streamVersion(id)).toBe(0);
  });

  it('decides again on the caught-up state after a conflict, within its retries', async () => {
    const id = uniqueId('account');
    await store.append(id, [opened()], { expectedVersion: 0 });
    const racing = new RacingStore(2);
    const result = await handleCommand({
      store: racing,
      decider: bankAccount,
      streamId: id,
      command: { type: 'Deposit', amount: 5 },
      retries: 2,
    });
    expect(result).toMatchObject({ attempts: 3, version: 4, state: { balance: 1 + 1 + 5 } });
  });

  it('gives up when every attempt loses the race', async () => {
    const id = uniqueId('account');
    await store.append(id, [opened()], { expectedVersion: 0 });
    const error = await handleCommand({
      store: new RacingStore(10),
      decider: bankAccount,
      streamId: id,
      command: { type: 'Deposit', amount: 5 },
      retries: 2,
    }).catch((caught: unknown) => caught);
    expect(isRetriesExhaustedError(error) && error.attempts).toBe(3);
    expect(await store.streamVersion(id)).toBe(4);
  });

  it('uses snapshots like the repository', async () => {
    const snapshotStore = new SnapshotStore({ client: testClient(), tableName: tables.snapshots });
    const accounts = new DeciderCommandHandler({
      store,
      decider: bankAccount,
      snapshots: { store: snapshotStore, every: 3 },
    });
    const id = uniqueId('account');
    await accounts.handle(id, { type: 'OpenAccount', owner: 'Ada' });
    for (let i = 0; i < 4; i++) await accounts.handle(id, { type: 'Deposit', amount: 2 });
    expect(await snapshotStore.load(id, { consistentRead: true })).toMatchObject({
      version: 3,
      state: { balance: 4 },
    });
    expect((await accounts.handle(id, { type: 'Deposit', amount: 0 })).state.balance).toBe(8);
  });

  it('rejects a malformed decider or options', async () => {
    expect(
      () => new DeciderCommandHandler({ store, decider: { ...bankAccount, evolve: undefined } as never }),
    ).toThrow(/options\.decider\.evolve/);
    const handler = new DeciderCommandHandler({ store, decider: bankAccount });
    await expect(
      handler.handle(uniqueId('account'), { type: 'OpenAccount', owner: 'x' }, { retries: -1 }),
    ).rejects.toSatisfy(isInvalidInputError);
  });
});
