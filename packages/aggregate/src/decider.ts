import type { EventShape } from '@dynamo-es/event-store';

/**
 * The functional style of an aggregate, and the core of every command in this package: three pure
 * functions, no class, no AWS. `decide` turns a command and the current state into new events (or
 * throws a domain error); `evolve` folds one event into the state, on replay and after each decision.
 *
 * @example
 * const account: Decider<{ balance: number }, Deposit, MoneyDeposited> = {
 *   initialState: () => ({ balance: 0 }),
 *   evolve: (state, event) => ({ balance: state.balance + event.data.amount }),
 *   decide: (command) => [{ type: 'MoneyDeposited', data: { amount: command.amount } }],
 * };
 */
export interface Decider<S, C, E extends EventShape> {
  readonly initialState: () => S;
  readonly evolve: (state: S, event: E) => S;
  readonly decide: (command: C, state: S) => E | readonly E[];
}
