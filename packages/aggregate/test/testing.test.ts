import { AssertionError } from 'node:assert';
import { Aggregate, type Decider } from '@dynamo-es/aggregate';
import { givenAggregate, specifyAggregate, specifyDecider } from '@dynamo-es/aggregate/testing';
import { describe, expect, it } from 'vitest';
import {
  AccountNotOpenError,
  type AccountState,
  BankAccount,
  bankAccount,
  deposited,
  InsufficientFundsError,
  opened,
  withdrawn,
} from './fixtures/bank-account.js';

const given = specifyDecider(bankAccount);
const givenAccount = specifyAggregate(BankAccount);

describe('test kit: deciders', () => {
  it('passes when decide returns the expected events, and returns the new state', () => {
    const { events, state } = given([opened()])
      .when({ type: 'Deposit', amount: 5 })
      .then([deposited(5)]);
    expect(events).toEqual([deposited(5)]);
    expect(state).toEqual({ open: true, owner: 'Ada', balance: 5 });
  });

  it('passes with then([]) when decide returns no events', () => {
    given([opened()]).when({ type: 'OpenAccount', owner: 'Ada' }).then([]);
  });

  it('fails with an AssertionError that shows both event lists', () => {
    const error = catchError(() =>
      given([opened()])
        .when({ type: 'Deposit', amount: 5 })
        .then([deposited(6)]),
    );
    expect(error).toBeInstanceOf(AssertionError);
    const { message, actual, expected } = error as AssertionError;
    expect(message).toContain('given 1 event(s), when command "Deposit": the events differ');
    expect(message).toMatch(/amount: 5[\s\S]*amount: 6|amount: 6[\s\S]*amount: 5/);
    expect(actual).toEqual([deposited(5)]);
    expect(expected).toEqual([deposited(6)]);
  });

  it('fails when events were expected but decide threw, naming the error', () => {
    const error = catchError(() =>
      given([])
        .when({ type: 'Deposit', amount: 5 })
        .then([deposited(5)]),
    );
    expect(error).toBeInstanceOf(AssertionError);
    expect((error as Error).message).toMatch(/expected events, but the command threw AccountNotOpenError/);
  });

  it('matches a thrown error by class, by guard or by predicate, and returns it', () => {
    const byClass = given([opened()])
      .when({ type: 'Withdraw', amount: 5 })
      .thenThrows(InsufficientFundsError);
    expect(byClass.requested).toBe(5);
    const isFunds = (error: unknown): error is InsufficientFundsError =>
      error instanceof InsufficientFundsError;
    expect(given([opened()]).when({ type: 'Withdraw', amount: 5 }).thenThrows(isFunds).balance).toBe(0);
    given([])
      .when({ type: 'Deposit', amount: 1 })
      .thenThrows((error) => (error as Error).message.includes('not open'));
  });

  it('fails thenThrows when nothing was thrown, or something else was', () => {
    const none = catchError(() => given([opened()]).when({ type: 'Deposit', amount: 1 }).thenThrows(Error));
    expect((none as Error).message).toMatch(
      /expected an instance of Error to be thrown, but the command succeeded/,
    );
    const other = catchError(() =>
      given([]).when({ type: 'Deposit', amount: 1 }).thenThrows(InsufficientFundsError),
    );
    expect(other).toBeInstanceOf(AssertionError);
    expect((other as Error).message).toMatch(
      /InsufficientFundsError to be thrown, but it threw AccountNotOpenError/,
    );
  });

  it('catches an evolve that mutates the state instead of returning a new one', () => {
    const mutating: Decider<{ count: number }, 'inc', { type: 'Incremented'; data: null }> = {
      initialState: () => ({ count: 0 }),
      evolve: (state) => {
        (state as { count: number }).count++;
        return state;
      },
      decide: () => [{ type: 'Incremented', data: null }],
    };
    const error = catchError(() =>
      specifyDecider(mutating)([])
        .when('inc')
        .then([{ type: 'Incremented', data: null }]),
    );
    expect((error as Error).message).toMatch(/changed the state it was given instead of returning a new one/);
  });

  it('rejects being awaited like a promise with a clear error', async () => {
    const spec = given([opened()]).when({ type: 'Deposit', amount: 5 });
    await expect(Promise.resolve().then(() => spec)).rejects.toThrow(/is not a promise/);
  });
});

describe('test kit: aggregates', () => {
  it('passes when the command raises the expected events, from a class or a factory', () => {
    givenAccount([opened()])
      .when((account) => account.deposit(5))
      .then([deposited(5)]);
    const { state } = givenAggregate((id) => new BankAccount(id), [opened(), deposited(5)])
      .when((account) => account.withdraw(2))
      .then([withdrawn(2)]);
    expect(state.balance).toBe(3);
  });

  it('fails with a readable diff when the events differ', () => {
    const error = catchError(() =>
      givenAccount([opened()])
        .when((account) => account.deposit(5))
        .then([]),
    );
    expect(error).toBeInstanceOf(AssertionError);
    expect((error as Error).message).toContain('the events differ');
  });

  it('checks thrown domain errors', () => {
    const error = givenAccount([])
      .when((account) => account.deposit(5))
      .thenThrows(AccountNotOpenError);
    expect(error.message).toMatch(/not open/);
  });

  it('supports commands that return a promise', async () => {
    const rate = async () => 7;
    await givenAccount([opened()])
      .when(async (account) => account.deposit(await rate()))
      .then([deposited(7)]);
    await givenAccount([])
      .when(async (account) => account.deposit(await rate()))
      .thenThrows(AccountNotOpenError);
  });

  it('catches a handler that mutates the state', () => {
    class Mutating extends Aggregate<AccountState, ReturnType<typeof deposited>> {
      protected readonly initialState: AccountState = { open: true, balance: 0 };
      protected readonly handlers = this.defineHandlers({
        AccountOpened: (state) => state,
        MoneyDeposited: (state, event) =>
          Object.assign(state, { balance: state.balance + event.data.amount }),
        MoneyWithdrawn: (state) => state,
      });
      deposit(amount: number) {
        this.raise(deposited(amount));
      }
    }
    const error = catchError(() =>
      givenAggregate(Mutating)
        .when((account) => account.deposit(1))
        .then([deposited(1)]),
    );
    expect((error as Error).message).toMatch(/instead of returning a new one/);
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
