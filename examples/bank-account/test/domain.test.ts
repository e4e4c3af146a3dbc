import { givenAggregate, specifyDecider } from '@dynamo-es/aggregate/testing';
import { describe, expect, it } from 'vitest';
import type { AccountEvent } from '../src/domain/bank-account.js';
import { BankAccount } from '../src/domain/bank-account.js';
import { closeAccountDecider } from '../src/domain/close-account.js';
import {
  AccountAlreadyOpenError,
  AccountClosedError,
  AccountNotOpenError,
  BalanceLimitExceededError,
  CurrencyMismatchError,
  HoldExistsError,
  HoldNotFoundError,
  InsufficientFundsError,
  InvalidAmountError,
  InvalidCurrencyError,
  InvalidOwnerError,
  NonZeroBalanceError,
  SameAccountTransferError,
  TransferAlreadyDecidedError,
  TransferRequestNotFoundError,
} from '../src/domain/errors.js';
import { formatMoney, MAX_BALANCE } from '../src/domain/money.js';
import { TransferRequest, type TransferRequestEvent } from '../src/domain/transfer-request.js';

const opened: AccountEvent = { type: 'AccountOpened', data: { owner: 'Ada', currency: 'EUR' } };
const deposited = (amount: number): AccountEvent => ({ type: 'MoneyDeposited', data: { amount } });
const closed: AccountEvent = { type: 'AccountClosed', data: {} };
const account = (events: AccountEvent[]) => givenAggregate(BankAccount, events);

describe('BankAccount (aggregate style)', () => {
  it('opens with an optional initial deposit', () => {
    account([])
      .when((a) => a.open({ owner: ' Ada ', currency: 'EUR', initialDeposit: 1250 }))
      .then([opened, deposited(1250)]);
    account([])
      .when((a) => a.open({ owner: 'Ada', currency: 'EUR' }))
      .then([opened]);
  });

  it('rejects a bad owner, currency or initial deposit, and opening twice', () => {
    account([])
      .when((a) => a.open({ owner: ' ', currency: 'EUR' }))
      .thenThrows(InvalidOwnerError);
    account([])
      .when((a) => a.open({ owner: 'Ada', currency: 'euro' }))
      .thenThrows(InvalidCurrencyError);
    account([])
      .when((a) => a.open({ owner: 'Ada', currency: 'EUR', initialDeposit: 0 }))
      .thenThrows(InvalidAmountError);
    account([opened])
      .when((a) => a.open({ owner: 'Ada', currency: 'EUR' }))
      .thenThrows(AccountAlreadyOpenError);
  });

  it('deposits and withdraws positive whole minor units, never overdrawing', () => {
    const { state } = account([opened, deposited(500)])
      .when((a) => a.withdraw(200))
      .then([{ type: 'MoneyWithdrawn', data: { amount: 200 } }]);
    expect(state.balance).toBe(300);
    account([opened, deposited(500)])
      .when((a) => a.withdraw(501))
      .thenThrows(InsufficientFundsError);
    for (const bad of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      account([opened])
        .when((a) => a.deposit(bad))
        .thenThrows(InvalidAmountError);
    }
    account([opened])
      .when((a) => a.deposit(100, 'USD'))
      .thenThrows(CurrencyMismatchError);
  });

  it('keeps every balance at most MAX_BALANCE, so sums of money stay exact', () => {
    account([opened, deposited(MAX_BALANCE)])
      .when((a) => a.deposit(1))
      .thenThrows(BalanceLimitExceededError);
    account([opened, deposited(MAX_BALANCE - 5)])
      .when((a) => a.receiveTransfer({ transferId: 't', from: 'x', amount: 6, currency: 'EUR' }))
      .thenThrows(BalanceLimitExceededError);
    account([opened, deposited(MAX_BALANCE - 5)])
      .when((a) => a.deposit(5))
      .then([deposited(5)]);
    account([])
      .when((a) => a.open({ owner: 'Ada', currency: 'EUR', initialDeposit: MAX_BALANCE + 1 }))
      .thenThrows(InvalidAmountError);
  });

  it('refuses operations on unopened and closed accounts', () => {
    account([])
      .when((a) => a.deposit(100))
      .thenThrows(AccountNotOpenError);
    account([opened, closed])
      .when((a) => a.deposit(100))
      .thenThrows(AccountClosedError);
    account([opened, closed])
      .when((a) => a.withdraw(100))
      .thenThrows(AccountClosedError);
  });

  it('sends and receives transfers in the account currency, never to itself', () => {
    const { state } = account([opened, deposited(1000)])
      .when((a) => a.sendTransfer({ transferId: 't1', to: 'other', amount: 400, currency: 'EUR' }))
      .then([{ type: 'TransferSent', data: { transferId: 't1', to: 'other', amount: 400 } }]);
    expect(state.balance).toBe(600);
    account([opened])
      .when((a) => a.receiveTransfer({ transferId: 't1', from: 'other', amount: 400, currency: 'EUR' }))
      .then([{ type: 'TransferReceived', data: { transferId: 't1', from: 'other', amount: 400 } }]);
    account([opened, deposited(10)])
      .when((a) => a.sendTransfer({ transferId: 't', to: 'other', amount: 11, currency: 'EUR' }))
      .thenThrows(InsufficientFundsError);
    account([opened, deposited(10)])
      .when((a) => a.sendTransfer({ transferId: 't', to: a.id, amount: 1, currency: 'EUR' }))
      .thenThrows(SameAccountTransferError);
    account([opened])
      .when((a) => a.receiveTransfer({ transferId: 't', from: 'x', amount: 1, currency: 'USD' }))
      .thenThrows(CurrencyMismatchError);
  });
});

describe('closing an account (decider style)', () => {
  const given = specifyDecider(closeAccountDecider);
  const close = { type: 'CloseAccount', accountId: 'acc-1' } as const;

  it('closes an open account with a zero balance', () => {
    given([opened]).when(close).then([closed]);
    given([opened, deposited(5), { type: 'MoneyWithdrawn', data: { amount: 5 } }])
      .when(close)
      .then([closed]);
  });

  it('refuses a non-zero balance, an unopened or an already closed account', () => {
    given([opened, deposited(5)])
      .when(close)
      .thenThrows(NonZeroBalanceError);
    given([]).when(close).thenThrows(AccountNotOpenError);
    given([opened, closed]).when(close).thenThrows(AccountClosedError);
  });
});

describe('money', () => {
  it('formats minor units without floating point', () => {
    expect(formatMoney(1234, 'EUR')).toBe('12.34 EUR');
    expect(formatMoney(-5, 'USD')).toBe('-0.05 USD');
    expect(formatMoney(30, 'EUR')).toBe('0.30 EUR');
  });
});

describe('holds for large transfers', () => {
  const held = (transferId: string, amount: number): AccountEvent => ({
    type: 'FundsHeld',
    data: { transferId, to: 'bob', amount },
  });

  it('holds available money only, keeps it in the balance, and refuses to spend it', () => {
    const { state } = account([opened, deposited(500)])
      .when((a) => a.holdFunds({ transferId: 't1', to: 'bob', amount: 300, currency: 'EUR' }))
      .then([held('t1', 300)]);
    expect(state).toMatchObject({ balance: 500, held: 300, holds: { t1: 300 } });
    account([opened, deposited(500), held('t1', 300)])
      .when((a) => a.withdraw(201))
      .thenThrows(InsufficientFundsError);
    account([opened, deposited(500), held('t1', 300)])
      .when((a) => a.holdFunds({ transferId: 't2', to: 'bob', amount: 201, currency: 'EUR' }))
      .thenThrows(InsufficientFundsError);
    account([opened, deposited(500), held('t1', 300)])
      .when((a) => a.holdFunds({ transferId: 't1', to: 'bob', amount: 1, currency: 'EUR' }))
      .thenThrows(HoldExistsError);
    account([opened, deposited(500)])
      .when((a) => a.holdFunds({ transferId: 't1', to: 'bob', amount: 1, currency: 'USD' }))
      .thenThrows(CurrencyMismatchError);
  });

  it('sends or releases a hold once, with the amount held', () => {
    const sent = account([opened, deposited(500), held('t1', 300)])
      .when((a) => a.sendHeldTransfer({ transferId: 't1', to: 'bob' }))
      .then([{ type: 'TransferSent', data: { transferId: 't1', to: 'bob', amount: 300, held: true } }]);
    expect(sent.state).toMatchObject({ balance: 200, held: 0, holds: {} });
    const released = account([opened, deposited(500), held('t1', 300)])
      .when((a) => a.releaseHold('t1', 'expired'))
      .then([{ type: 'HoldReleased', data: { transferId: 't1', amount: 300, reason: 'expired' } }]);
    expect(released.state).toMatchObject({ balance: 500, held: 0 });
    const gone: AccountEvent = {
      type: 'HoldReleased',
      data: { transferId: 't1', amount: 300, reason: 'rejected' },
    };
    account([opened, deposited(500), held('t1', 300), gone])
      .when((a) => a.sendHeldTransfer({ transferId: 't1', to: 'bob' }))
      .thenThrows(HoldNotFoundError);
    account([opened, deposited(500), held('t1', 300), gone])
      .when((a) => a.releaseHold('t1', 'rejected'))
      .thenThrows(HoldNotFoundError);
  });
});

describe('TransferRequest', () => {
  const requested: TransferRequestEvent = {
    type: 'LargeTransferRequested',
    data: { transferId: 'tr-1', from: 'ada', to: 'bob', amount: 500_00, currency: 'EUR' },
  };
  const request = (events: TransferRequestEvent[]) => givenAggregate(TransferRequest, events);

  it('takes one decision while pending, and none after it was settled', () => {
    request([requested])
      .when((r) => r.approve('tr-1'))
      .then([{ type: 'TransferApproved', data: { transferId: 'tr-1' } }]);
    request([requested, { type: 'TransferApproved', data: { transferId: 'tr-1' } }])
      .when((r) => r.reject('tr-1'))
      .thenThrows(TransferAlreadyDecidedError);
    request([requested, { type: 'LargeTransferSettled', data: { transferId: 'tr-1', outcome: 'expired' } }])
      .when((r) => r.approve('tr-1'))
      .thenThrows(TransferAlreadyDecidedError);
    request([])
      .when((r) => r.approve('tr-1'))
      .thenThrows(TransferRequestNotFoundError);
  });
});
