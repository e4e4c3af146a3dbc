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
import { type AccountEvent, type AccountState, accountEvolvers, initialAccountState } from './events.js';
import { assertAmount, assertCurrency, type Currency, MAX_BALANCE, type MinorUnits } from './money.js';

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
