import type { AccountState } from '../domain/bank-account.js';
import type { Currency, MinorUnits } from '../domain/money.js';

/** What a command on one account answers: the account as the command left it (read your writes). */
export interface AccountOutcome {
  readonly accountId: string;
  readonly owner: string;
  readonly currency: Currency;
  readonly balance: MinorUnits;
  /** Part of the balance held for large transfers waiting for approval. */
  readonly held: MinorUnits;
  readonly status: AccountState['status'];
  /** The account stream's version after the command. */
  readonly version: number;
  /** Attempts it took: 1 without a conflict (0 for a replay). */
  readonly attempts: number;
  /** True when the request id had already been applied: nothing new was written. */
  readonly replayed: boolean;
}

/** What a transfer above the approval limit answers: it waits for a person's decision. */
export interface PendingTransferOutcome {
  readonly transferId: string;
  readonly status: 'pending-approval';
  readonly from: string;
  readonly to: string;
  readonly amount: MinorUnits;
  readonly currency: Currency;
  readonly attempts: number;
  readonly replayed: boolean;
}

/** A large transfer's request, as `GET /transfers/{id}` shows it. */
export interface TransferRequestView {
  readonly transferId: string;
  readonly status: 'pending' | 'approved' | 'rejected' | 'settled';
  readonly outcome?: string;
  readonly from: string;
  readonly to: string;
  readonly amount: MinorUnits;
  readonly currency: Currency;
  readonly version: number;
}

/** What approving or rejecting a large transfer answers: its request after the decision. */
export interface TransferDecisionOutcome extends TransferRequestView {
  readonly attempts: number;
  /** True when the request id had already been applied: nothing new was written. */
  readonly replayed: boolean;
}

/** What a transfer answers. */
export interface TransferOutcome {
  readonly transferId: string;
  readonly status: 'completed';
  readonly amount: MinorUnits;
  readonly currency: Currency;
  readonly from: AccountOutcome;
  readonly to: AccountOutcome;
  readonly attempts: number;
  readonly replayed: boolean;
}

/** An {@link AccountOutcome} from an account's id, state and version. */
export function accountOutcome(
  account: { readonly id: string; readonly state: AccountState; readonly version: number },
  details: { readonly attempts: number; readonly replayed: boolean },
): AccountOutcome {
  const { owner, currency, balance, held, status } = account.state;
  return {
    accountId: account.id,
    owner,
    currency,
    balance,
    held,
    status,
    version: account.version,
    ...details,
  };
}
