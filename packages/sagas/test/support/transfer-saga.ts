import { defineSaga } from '../../src/index.js';

/** Source events of the transfer saga: requests on `transfer-<id>`, verdicts on `approval-<id>`. */
export type TransferEvent =
  | {
      readonly type: 'TransferRequested';
      readonly data: {
        readonly transferId: string;
        readonly from: string;
        readonly to: string;
        readonly amount: number;
      };
    }
  | { readonly type: 'TransferApproved'; readonly data: { readonly transferId: string } }
  | { readonly type: 'TransferDeclined'; readonly data: { readonly transferId: string } };

/** Commands the saga sends to the accounts. */
export type AccountCommand =
  | {
      readonly type: 'PlaceHold';
      readonly data: { readonly accountId: string; readonly transferId: string; readonly amount: number };
    }
  | {
      readonly type: 'ReleaseHold';
      readonly data: { readonly accountId: string; readonly transferId: string };
    }
  | {
      readonly type: 'CompleteTransfer';
      readonly data: {
        readonly from: string;
        readonly to: string;
        readonly transferId: string;
        readonly amount: number;
      };
    };

export interface TransferState {
  readonly status: 'new' | 'holding' | 'awaiting' | 'completing' | 'releasing';
  readonly request?: { readonly from: string; readonly to: string; readonly amount: number };
  /** A verdict that came before the hold was placed (the streams arrive in any order). */
  readonly verdict?: 'approved' | 'declined';
}

/** How long an approval may take. */
export const APPROVAL_TIMEOUT_MS = 60_000;

/**
 * Hold the amount on the source account, wait for a verdict (or the deadline), then complete
 * (debit source and credit target atomically) or release the hold.
 */
export const transferSaga = defineSaga<TransferEvent, TransferState, AccountCommand>({
  name: 'transfer',
  initialState: () => ({ status: 'new' }),
  correlate: {
    TransferRequested: (event) => event.data.transferId,
    TransferApproved: (event) => event.data.transferId,
    TransferDeclined: (event) => event.data.transferId,
  },
  on: {
    TransferRequested: (state, event, { sagaId }) => {
      const { from, to, amount } = event.data;
      return {
        state: { ...state, status: 'holding', request: { from, to, amount } },
        commands: [{ type: 'PlaceHold', data: { accountId: from, transferId: sagaId, amount } }],
      };
    },
    TransferApproved: (state, _event, { sagaId }) => verdict(state, 'approved', sagaId),
    TransferDeclined: (state, _event, { sagaId }) => verdict(state, 'declined', sagaId),
  },
  onResult: (state, result, { sagaId, now }) => {
    switch (result.command.type) {
      case 'PlaceHold':
        if (result.outcome === 'rejected') return { end: 'failed' };
        if (state.verdict) return settle(state, state.verdict, sagaId);
        return {
          state: { ...state, status: 'awaiting' },
          deadlines: [{ id: 'approval', at: now.getTime() + APPROVAL_TIMEOUT_MS }],
        };
      case 'CompleteTransfer':
        // Rejected: the target account is closed. Give the money back.
        return result.outcome === 'succeeded' ? { end: 'completed' } : settle(state, 'declined', sagaId);
      case 'ReleaseHold':
        return { end: 'released' };
    }
  },
  onDeadline: (state, _deadline, { sagaId }) =>
    state.status === 'awaiting' ? settle(state, 'declined', sagaId) : undefined,
});

function verdict(state: TransferState, verdict: 'approved' | 'declined', sagaId: string) {
  if (state.verdict) return undefined;
  if (state.status === 'awaiting')
    return { ...settle(state, verdict, sagaId), cancelDeadlines: ['approval'] };
  return { state: { ...state, verdict } };
}

function settle(state: TransferState, verdict: 'approved' | 'declined', transferId: string) {
  const { from, to, amount } = state.request as NonNullable<TransferState['request']>;
  const command: AccountCommand =
    verdict === 'approved'
      ? { type: 'CompleteTransfer', data: { from, to, transferId, amount } }
      : { type: 'ReleaseHold', data: { accountId: from, transferId } };
  return {
    state: {
      ...state,
      verdict,
      status: verdict === 'approved' ? ('completing' as const) : ('releasing' as const),
    },
    commands: [command],
  };
}
