import type { Currency, MinorUnits } from './money.js';

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
