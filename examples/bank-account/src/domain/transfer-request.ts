import { Aggregate } from '@dynamo-es/aggregate';
import { TransferAlreadyDecidedError, TransferRequestNotFoundError } from './errors.js';
import type { Currency, MinorUnits } from './money.js';

/**
 * Events of a large transfer's request stream (`transfer.<transferId>`): asked for, decided by a
 * person, settled by the large-transfer saga. The money itself moves on the account streams.
 */
export type TransferRequestEvent =
  | { readonly type: 'LargeTransferRequested'; readonly data: LargeTransfer }
  | { readonly type: 'TransferApproved'; readonly data: { readonly transferId: string } }
  | { readonly type: 'TransferRejected'; readonly data: { readonly transferId: string } }
  | {
      readonly type: 'LargeTransferSettled';
      readonly data: { readonly transferId: string; readonly outcome: TransferOutcomeName };
    };

/** What a large transfer is to do. */
export interface LargeTransfer {
  readonly transferId: string;
  readonly from: string;
  readonly to: string;
  readonly amount: MinorUnits;
  readonly currency: Currency;
}

/** How a large transfer ended. */
export type TransferOutcomeName = 'completed' | 'rejected' | 'expired' | 'refused' | 'not-possible';

export interface TransferRequestState {
  readonly status: 'new' | 'pending' | 'approved' | 'rejected' | 'settled';
  readonly from: string;
  readonly to: string;
  readonly amount: MinorUnits;
  readonly currency: Currency;
  readonly outcome?: TransferOutcomeName;
}

/** The stream of a large transfer's request. */
export const transferRequestStream = (transferId: string): string => `transfer.${transferId}`;

/**
 * A large transfer's request: one decision (approve or reject) while it is pending, then the
 * outcome the saga settles it with. Deciding twice, or after it was settled, is refused.
 */
export class TransferRequest extends Aggregate<TransferRequestState, TransferRequestEvent> {
  protected readonly initialState: TransferRequestState = {
    status: 'new',
    from: '',
    to: '',
    amount: 0,
    currency: '',
  };
  protected readonly handlers = this.defineHandlers({
    LargeTransferRequested: (_, { data }) => ({ status: 'pending', ...data }),
    TransferApproved: (state) => ({ ...state, status: 'approved' }),
    TransferRejected: (state) => ({ ...state, status: 'rejected' }),
    LargeTransferSettled: (state, { data }) => ({ ...state, status: 'settled', outcome: data.outcome }),
  });

  request(transfer: LargeTransfer): void {
    if (this.state.status !== 'new') throw new TransferAlreadyDecidedError(transfer.transferId, 'requested');
    this.raise({ type: 'LargeTransferRequested', data: transfer });
  }

  approve(transferId: string): void {
    this.#assertPending(transferId);
    this.raise({ type: 'TransferApproved', data: { transferId } });
  }

  reject(transferId: string): void {
    this.#assertPending(transferId);
    this.raise({ type: 'TransferRejected', data: { transferId } });
  }

  /** Records how the transfer ended (by the saga; once). */
  settle(transferId: string, outcome: TransferOutcomeName): void {
    if (this.state.status === 'new') throw new TransferRequestNotFoundError(transferId);
    if (this.state.status === 'settled') throw new TransferAlreadyDecidedError(transferId, 'settled');
    this.raise({ type: 'LargeTransferSettled', data: { transferId, outcome } });
  }

  #assertPending(transferId: string): void {
    if (this.state.status === 'new') throw new TransferRequestNotFoundError(transferId);
    if (this.state.status !== 'pending') {
      const status = this.state.status === 'settled' ? `settled (${this.state.outcome})` : this.state.status;
      throw new TransferAlreadyDecidedError(transferId, status);
    }
  }
}
