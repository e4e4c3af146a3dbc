import { type Decision, defineSaga, type Saga } from '@dynamo-es/sagas';
import type { HoldReleaseReason } from '../domain/bank-account.js';
import type { Currency } from '../domain/money.js';
import type { LargeTransfer, TransferOutcomeName, TransferRequestEvent } from '../domain/transfer-request.js';

/** The commands the large-transfer saga sends; each runs as an idempotent bank command. */
export type LargeTransferCommand =
  | { readonly type: 'HoldFunds'; readonly data: LargeTransfer }
  | {
      readonly type: 'ReleaseHold';
      readonly data: {
        readonly transferId: string;
        readonly from: string;
        readonly reason: HoldReleaseReason;
      };
    }
  | {
      readonly type: 'SendHeldTransfer';
      readonly data: {
        readonly transferId: string;
        readonly from: string;
        readonly to: string;
        readonly currency: Currency;
      };
    }
  | {
      readonly type: 'SettleTransfer';
      readonly data: { readonly transferId: string; readonly outcome: TransferOutcomeName };
    };

type Transfer = LargeTransfer;

/** Where a large transfer is. */
export interface LargeTransferState {
  readonly status: 'new' | 'holding' | 'awaiting-approval' | 'sending' | 'releasing' | 'settling';
  readonly transfer?: Transfer;
  /** A decision that came while the hold was still being placed. */
  readonly decision?: 'approved' | 'rejected';
  /** How it ends, once known. */
  readonly outcome?: TransferOutcomeName;
}

type Next = Decision<LargeTransferState, LargeTransferCommand> | undefined;

export const APPROVAL_DEADLINE = 'approval';

/**
 * Large transfers, as a saga: hold the amount on the source account, wait for a person to approve
 * or reject it (until a deadline), then send the held money (debit and credit in one transaction)
 * or give it back; finally settle the request with its outcome. Every step is a command the saga
 * sends once (an idempotent bank command); a "no" from the bank (insufficient funds, a closed
 * account) is a result it reacts to, never a crash.
 *
 * ```
 * LargeTransferRequested → HoldFunds ─ok→ awaiting approval ─approved→ SendHeldTransfer ─ok→ settle completed
 *                              │                 │  └─rejected / deadline→ ReleaseHold → settle rejected | expired
 *                              └─refused→ settle refused          SendHeldTransfer ─refused→ ReleaseHold → settle not-possible
 * ```
 */
export function largeTransferSaga(options: {
  /** How long an approval may take before the hold is released. */
  readonly approvalWindowMs: number;
}): Saga<TransferRequestEvent, LargeTransferState, LargeTransferCommand> {
  const { approvalWindowMs } = options;
  if (!Number.isSafeInteger(approvalWindowMs) || approvalWindowMs < 1) {
    throw new RangeError(
      `approvalWindowMs must be a positive whole number of milliseconds, got ${approvalWindowMs}`,
    );
  }
  const send = (state: LargeTransferState, transfer: Transfer): Next => ({
    state: { ...state, status: 'sending' },
    commands: [{ type: 'SendHeldTransfer', data: { ...pick(transfer), currency: transfer.currency } }],
    cancelDeadlines: [APPROVAL_DEADLINE],
  });
  const release = (
    state: LargeTransferState,
    transfer: Transfer,
    outcome: 'rejected' | 'expired' | 'not-possible',
  ): Next => ({
    state: { ...state, status: 'releasing', outcome },
    commands: [
      {
        type: 'ReleaseHold',
        data: {
          transferId: transfer.transferId,
          from: transfer.from,
          reason: outcome === 'not-possible' ? 'not-possible' : outcome,
        },
      },
    ],
    cancelDeadlines: [APPROVAL_DEADLINE],
  });
  const settle = (state: LargeTransferState, transfer: Transfer, outcome: TransferOutcomeName): Next => ({
    state: { ...state, status: 'settling', outcome },
    commands: [{ type: 'SettleTransfer', data: { transferId: transfer.transferId, outcome } }],
  });
  const decide = (state: LargeTransferState, decision: 'approved' | 'rejected'): Next => {
    const { transfer } = state;
    if (!transfer) return undefined;
    if (state.status === 'holding') return { state: { ...state, decision } };
    if (state.status !== 'awaiting-approval') return undefined; // too late: the deadline came first
    return decision === 'approved' ? send(state, transfer) : release(state, transfer, 'rejected');
  };

  return defineSaga<TransferRequestEvent, LargeTransferState, LargeTransferCommand>({
    name: 'large-transfer',
    initialState: () => ({ status: 'new' }),
    correlate: {
      LargeTransferRequested: (event) => event.data.transferId,
      TransferApproved: (event) => event.data.transferId,
      TransferRejected: (event) => event.data.transferId,
    },
    on: {
      LargeTransferRequested: (state, { data }) =>
        state.status === 'new'
          ? { state: { status: 'holding', transfer: data }, commands: [{ type: 'HoldFunds', data }] }
          : undefined,
      TransferApproved: (state) => decide(state, 'approved'),
      TransferRejected: (state) => decide(state, 'rejected'),
    },
    onResult: (state, result, ctx) => {
      const { transfer } = state;
      if (!transfer) return undefined;
      switch (result.command.type) {
        case 'HoldFunds':
          if (result.outcome === 'rejected') return settle(state, transfer, 'refused');
          if (state.decision === 'approved') return send(state, transfer);
          if (state.decision === 'rejected') return release(state, transfer, 'rejected');
          return {
            state: { ...state, status: 'awaiting-approval' },
            deadlines: [{ id: APPROVAL_DEADLINE, at: ctx.now.getTime() + approvalWindowMs }],
          };
        case 'SendHeldTransfer':
          return result.outcome === 'succeeded'
            ? settle(state, transfer, 'completed')
            : release(state, transfer, 'not-possible');
        case 'ReleaseHold':
          // Rejected only if the hold is gone already: either way the money is back.
          return settle(state, transfer, state.outcome ?? 'not-possible');
        case 'SettleTransfer':
          return { end: state.outcome ?? 'not-possible' };
      }
    },
    onDeadline: (state, deadline) =>
      deadline.id === APPROVAL_DEADLINE && state.status === 'awaiting-approval' && state.transfer
        ? release(state, state.transfer, 'expired')
        : undefined,
  });
}

const pick = ({ transferId, from, to }: Transfer) => ({ transferId, from, to });
