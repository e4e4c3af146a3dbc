import { Aggregate } from '@dynamo-es/aggregate';
import {
  AccountAlreadyOpenError,
  AccountClosedError,
  AccountNotOpenError,
  BalanceLimitExceededError,
  CurrencyMismatchError,
  InsufficientFundsError,
  InvalidOwnerError,
  SameAccountTransferError,
} from './errors.js';
import { assertAmount, assertCurrency, type Currency, MAX_BALANCE, type MinorUnits } from './money.js';

/** Events of one bank account's stream, past tense. Amounts are integer minor units. */
export type AccountEvent =
  | { readonly type: 'AccountOpened'; readonly data: { readonly owner: string; readonly currency: Currency } }
  | { readonly type: 'MoneyDeposited'; readonly data: { readonly amount: MinorUnits } }
  | { readonly type: 'MoneyWithdrawn'; readonly data: { readonly amount: MinorUnits } }
  | {
      readonly type: 'TransferSent';
      readonly data: { readonly transferId: string; readonly to: string; readonly amount: MinorUnits };
    }
  | {
      readonly type: 'TransferReceived';
      readonly data: { readonly transferId: string; readonly from: string; readonly amount: MinorUnits };
    }
  | { readonly type: 'AccountClosed'; readonly data: Record<string, never> };

export type AccountEventType = AccountEvent['type'];

/** State of an account, folded from its events. */
export interface AccountState {
  readonly status: 'new' | 'open' | 'closed';
  readonly owner: string;
  readonly currency: Currency;
  readonly balance: MinorUnits;
}

export const initialAccountState: AccountState = { status: 'new', owner: '', currency: '', balance: 0 };

type Evolvers = {
  readonly [K in AccountEventType]: (
    state: AccountState,
    event: Extract<AccountEvent, { type: K }>,
  ) => AccountState;
};

/** How each event changes an account: shared by the aggregate and the decider, so both agree. */
export const accountEvolvers: Evolvers = {
  AccountOpened: (state, { data }) => ({
    ...state,
    status: 'open',
    owner: data.owner,
    currency: data.currency,
  }),
  MoneyDeposited: (state, { data }) => ({ ...state, balance: state.balance + data.amount }),
  MoneyWithdrawn: (state, { data }) => ({ ...state, balance: state.balance - data.amount }),
  TransferSent: (state, { data }) => ({ ...state, balance: state.balance - data.amount }),
  TransferReceived: (state, { data }) => ({ ...state, balance: state.balance + data.amount }),
  AccountClosed: (state) => ({ ...state, status: 'closed' }),
};

/** Folds one event into the state. */
export function evolveAccount(state: AccountState, event: AccountEvent): AccountState {
  const evolve = accountEvolvers[event.type] as (state: AccountState, event: AccountEvent) => AccountState;
  return evolve(state, event);
}

export interface OpenAccount {
  readonly owner: string;
  readonly currency: Currency;
  /** Optional first deposit, in minor units. */
  readonly initialDeposit?: MinorUnits;
}

/**
 * A bank account, aggregate style: commands are methods that check the rules against the state
 * and raise events; the state changes only through {@link accountEvolvers}.
 */
export class BankAccount extends Aggregate<AccountState, AccountEvent> {
  protected readonly initialState = initialAccountState;
  protected readonly handlers = accountEvolvers;

  open({ owner, currency, initialDeposit }: OpenAccount): void {
    if (this.state.status !== 'new') throw new AccountAlreadyOpenError(this.id);
    if (typeof owner !== 'string' || owner.trim().length === 0 || owner.length > 200)
      throw new InvalidOwnerError();
    assertCurrency(currency);
    if (initialDeposit !== undefined) assertAmount(initialDeposit);
    this.raise({ type: 'AccountOpened', data: { owner: owner.trim(), currency } });
    if (initialDeposit !== undefined)
      this.raise({ type: 'MoneyDeposited', data: { amount: initialDeposit } });
  }

  deposit(amount: MinorUnits, currency?: Currency): void {
    assertAmount(amount);
    this.#assertOpen(currency);
    this.#assertRoomFor(amount);
    this.raise({ type: 'MoneyDeposited', data: { amount } });
  }

  withdraw(amount: MinorUnits, currency?: Currency): void {
    assertAmount(amount);
    this.#assertOpen(currency);
    this.#assertCovers(amount);
    this.raise({ type: 'MoneyWithdrawn', data: { amount } });
  }

  /** The sending half of a transfer; the repository saves it atomically with the receiving half. */
  sendTransfer(transfer: { transferId: string; to: string; amount: MinorUnits; currency: Currency }): void {
    assertAmount(transfer.amount);
    if (transfer.to === this.id) throw new SameAccountTransferError(this.id);
    this.#assertOpen(transfer.currency);
    this.#assertCovers(transfer.amount);
    this.raise({
      type: 'TransferSent',
      data: { transferId: transfer.transferId, to: transfer.to, amount: transfer.amount },
    });
  }

  /** The receiving half of a transfer. */
  receiveTransfer(transfer: {
    transferId: string;
    from: string;
    amount: MinorUnits;
    currency: Currency;
  }): void {
    assertAmount(transfer.amount);
    if (transfer.from === this.id) throw new SameAccountTransferError(this.id);
    this.#assertOpen(transfer.currency);
    this.#assertRoomFor(transfer.amount);
    this.raise({
      type: 'TransferReceived',
      data: { transferId: transfer.transferId, from: transfer.from, amount: transfer.amount },
    });
  }

  #assertOpen(currency?: Currency): void {
    if (this.state.status === 'new') throw new AccountNotOpenError(this.id);
    if (this.state.status === 'closed') throw new AccountClosedError(this.id);
    if (currency !== undefined && currency !== this.state.currency) {
      throw new CurrencyMismatchError(this.id, this.state.currency, currency);
    }
  }

  /** Balances stay at most {@link MAX_BALANCE}, so every sum of money in the bank stays exact. */
  #assertRoomFor(amount: MinorUnits): void {
    if (this.state.balance + amount > MAX_BALANCE) {
      throw new BalanceLimitExceededError(this.id, this.state.balance, amount, MAX_BALANCE);
    }
  }

  #assertCovers(amount: MinorUnits): void {
    if (this.state.balance < amount) throw new InsufficientFundsError(this.id, this.state.balance, amount);
  }
}
