import { Aggregate } from '@dynamo-es/aggregate';

export type Deposited = {
  readonly type: 'Deposited';
  readonly data: { readonly amount: number; readonly note: string };
};

export const depositEvent = (amount = 1): Deposited => ({
  type: 'Deposited',
  data: { amount, note: 'salary for the month of March' },
});

/** The benchmarks' aggregate: a balance and a count of deposits. */
export class Account extends Aggregate<{ balance: number; deposits: number }, Deposited> {
  protected readonly initialState = { balance: 0, deposits: 0 };
  protected readonly handlers = this.defineHandlers({
    Deposited: (state, { data }) => ({ balance: state.balance + data.amount, deposits: state.deposits + 1 }),
  });

  deposit(amount: number): void {
    this.raise(depositEvent(amount));
  }

  withdraw(amount: number): void {
    this.raise(depositEvent(-amount));
  }
}
