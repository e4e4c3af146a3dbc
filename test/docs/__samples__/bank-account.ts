// The user's domain module that samples of packages/aggregate/README.md import as `./bank-account.js`:
// the quick start's BankAccount grown with an opening and `withdraw`, the same account as a decider,
// and the events and errors the test kit's sample names. The README's samples are compiled next to
// this file (test/docs/__samples__/<readme>-<n>.ts), so the import resolves here.
import { Aggregate, type Decider } from '@dynamo-es/aggregate';

export type AccountEvent =
  | { readonly type: 'AccountOpened'; readonly data: { readonly owner: string } }
  | { readonly type: 'MoneyDeposited'; readonly data: { readonly amount: number } }
  | { readonly type: 'MoneyWithdrawn'; readonly data: { readonly amount: number } };

export interface AccountState {
  readonly open: boolean;
  readonly balance: number;
}

export type AccountCommand =
  | { readonly type: 'OpenAccount'; readonly owner: string }
  | { readonly type: 'Deposit'; readonly amount: number }
  | { readonly type: 'Withdraw'; readonly amount: number };

export class AccountNotOpenError extends Error {
  override readonly name = 'AccountNotOpenError';
}

export class InsufficientFundsError extends Error {
  override readonly name = 'InsufficientFundsError';
}

export const isInsufficientFunds = (error: unknown): error is InsufficientFundsError =>
  error instanceof InsufficientFundsError;

export const opened: AccountEvent = { type: 'AccountOpened', data: { owner: 'Ada' } };
export const deposited = (amount: number): AccountEvent => ({ type: 'MoneyDeposited', data: { amount } });
const withdrawn = (amount: number): AccountEvent => ({ type: 'MoneyWithdrawn', data: { amount } });

const evolve = (state: AccountState, event: AccountEvent): AccountState => {
  switch (event.type) {
    case 'AccountOpened':
      return { ...state, open: true };
    case 'MoneyDeposited':
      return { ...state, balance: state.balance + event.data.amount };
    case 'MoneyWithdrawn':
      return { ...state, balance: state.balance - event.data.amount };
  }
};

export class BankAccount extends Aggregate<AccountState, AccountEvent> {
  protected readonly initialState: AccountState = { open: false, balance: 0 };
  protected readonly handlers = this.defineHandlers({
    AccountOpened: evolve,
    MoneyDeposited: evolve,
    MoneyWithdrawn: evolve,
  });

  open(owner: string): void {
    if (!this.state.open) this.raise({ type: 'AccountOpened', data: { owner } });
  }

  deposit(amount: number): void {
    if (!this.state.open) throw new AccountNotOpenError(`account ${this.id} is not open`);
    this.raise(deposited(amount));
  }

  withdraw(amount: number): void {
    if (!this.state.open) throw new AccountNotOpenError(`account ${this.id} is not open`);
    if (this.state.balance < amount) throw new InsufficientFundsError(`balance ${this.state.balance}`);
    this.raise(withdrawn(amount));
  }
}

export const bankAccount: Decider<AccountState, AccountCommand, AccountEvent> = {
  initialState: () => ({ open: false, balance: 0 }),
  evolve,
  decide: (command, state) => {
    if (command.type === 'OpenAccount')
      return state.open ? [] : [{ ...opened, data: { owner: command.owner } }];
    if (!state.open) throw new AccountNotOpenError('account is not open');
    if (command.type === 'Deposit') return deposited(command.amount);
    if (state.balance < command.amount) throw new InsufficientFundsError(`balance ${state.balance}`);
    return withdrawn(command.amount);
  },
};
