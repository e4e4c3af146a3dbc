import type { Decider } from '@dynamo-es/aggregate';
import { type AccountEvent, type AccountState, evolveAccount, initialAccountState } from './bank-account.js';
import { AccountClosedError, AccountNotOpenError, NonZeroBalanceError } from './errors.js';

/** Closing an account, decider style: a pure function from command and state to events. */
export interface CloseAccount {
  readonly type: 'CloseAccount';
  readonly accountId: string;
}

/**
 * The same account as {@link BankAccount}, as a decider, for the one command shown in the
 * functional style. Rule: only an open account with a zero balance can be closed (withdraw or
 * transfer the rest first); closing twice is an error, not a no-op, so clients learn about it.
 */
export const closeAccountDecider: Decider<AccountState, CloseAccount, AccountEvent> = {
  initialState: () => initialAccountState,
  evolve: evolveAccount,
  decide: (command, state) => {
    if (state.status === 'new') throw new AccountNotOpenError(command.accountId);
    if (state.status === 'closed') throw new AccountClosedError(command.accountId);
    if (state.balance !== 0) throw new NonZeroBalanceError(command.accountId, state.balance);
    return [{ type: 'AccountClosed', data: {} }];
  },
};
