import { Aggregate } from '@dynamo-es/aggregate';
import {
  AccountAlreadyOpenError,
  AccountClosedError,
  AccountNotOpenError,
  BalanceLimitExceededError,
  CurrencyMismatchError,
  HoldExistsError,
  HoldNotFoundError,
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
      /** `held`: the money had been held for this transfer (a large transfer, approved). */
      readonly data: {
        readonly transferId: string;
        readonly to: string;
        readonly amount: MinorUnits;
        readonly held?: true;
      };
    }
  | {
      readonly type: 'TransferReceived';
      readonly data: { readonly transferId: string; readonly from: string; readonly amount: MinorUnits };
    }
  | { readonly type: 'AccountClosed'; readonly data: Record<string, never> }
  /** Money set aside for a large transfer waiting for approval: still in the balance, not available. */
  | {
      readonly type: 'FundsHeld';
      readonly data: { readonly transferId: string; readonly to: string; readonly amount: MinorUnits };
    }
  | {
      readonly type: 'HoldReleased';
      readonly data: {
        readonly transferId: string;
        readonly amount: MinorUnits;
        readonly reason: HoldReleaseReason;
      };
    };

/** Why held money went back: the transfer was rejected, its approval never came, or it could not be made. */
export type HoldReleaseReason = 'rejected' | 'expired' | 'not-possible';

export type AccountEventType = AccountEvent['type'];

/** State of an account, folded from its events. */
export interface AccountState {
  readonly status: 'new' | 'open' | 'closed';
  readonly owner: string;
  readonly currency: Currency;
  readonly balance: MinorUnits;
  /** Money held for large transfers waiting for approval: part of the balance, not available. */
  readonly held: MinorUnits;
  /** The open holds, by transfer id. */
  readonly holds: { readonly [transferId: string]: MinorUnits };
}

export const initialAccountState: AccountState = {
  status: 'new',
  owner: '',
  currency: '',
  balance: 0,
  held: 0,
  holds: {},
};

/** The holds without one. */
const without = (holds: AccountState['holds'], transferId: string) => {
  const { [transferId]: _, ...rest } = holds;
  return rest;
};

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
  TransferSent: (state, { data }) =>
    data.held
      ? {
          ...state,
          balance: state.balance - data.amount,
          held: state.held - data.amount,
          holds: without(state.holds, data.transferId),
        }
      : { ...state, balance: state.balance - data.amount },
  TransferReceived: (state, { data }) => ({ ...state, balance: state.balance + data.amount }),
  AccountClosed: (state) => ({ ...state, status: 'closed' }),
  FundsHeld: (state, { data }) => ({
    ...state,
    held: state.held + data.amount,
    holds: { ...state.holds, [data.transferId]: data.amount },
  }),
  HoldReleased: (state, { data }) => ({
    ...state,
    held: state.held - data.amount,
    holds: without(state.holds, data.transferId),
  }),
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

  /** Sets money aside for a large transfer until it is approved (then sent) or released. */
  holdFunds(hold: { transferId: string; to: string; amount: MinorUnits; currency: Currency }): void {
    assertAmount(hold.amount);
    if (hold.to === this.id) throw new SameAccountTransferError(this.id);
    this.#assertOpen(hold.currency);
    if (this.state.holds[hold.transferId] !== undefined) throw new HoldExistsError(this.id, hold.transferId);
    this.#assertCovers(hold.amount);
    this.raise({
      type: 'FundsHeld',
      data: { transferId: hold.transferId, to: hold.to, amount: hold.amount },
    });
  }

  /** Gives held money back (rejected, expired, or the transfer cannot be made). */
  releaseHold(transferId: string, reason: HoldReleaseReason): void {
    const amount = this.#heldFor(transferId);
    this.raise({ type: 'HoldReleased', data: { transferId, amount, reason } });
  }

  /** The sending half of an approved large transfer: the held money leaves the account. */
  sendHeldTransfer(transfer: { transferId: string; to: string }): void {
    const amount = this.#heldFor(transfer.transferId);
    if (this.state.status === 'closed') throw new AccountClosedError(this.id);
    this.raise({
      type: 'TransferSent',
      data: { transferId: transfer.transferId, to: transfer.to, amount, held: true },
    });
  }

  /** The amount held for a transfer. */
  heldFor(transferId: string): MinorUnits | undefined {
    return this.state.holds[transferId];
  }

  #heldFor(transferId: string): MinorUnits {
    const amount = this.state.holds[transferId];
    if (amount === undefined) throw new HoldNotFoundError(this.id, transferId);
    return amount;
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

  /** Only the available money (the balance less what is held) can leave the account. */
  #assertCovers(amount: MinorUnits): void {
    const available = this.state.balance - this.state.held;
    if (available < amount) throw new InsufficientFundsError(this.id, available, amount);
  }
}
