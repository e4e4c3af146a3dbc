import type { EventShape } from '@dynamo-es/event-store';
import type { Decider } from '../decider.js';
import {
  assertSameEvents,
  assertThrew,
  deepFreeze,
  type ErrorMatcher,
  type Outcome,
  unexpectedError,
} from './assertions.js';

/**
 * What a passing `.then()` of a decider specification returns, for further assertions.
 *
 * @example
 * const { state } = given([opened]).when(deposit(5)).then([deposited(5)]);
 */
export interface DeciderOutcome<S, E> {
  /** The events `decide` returned. */
  readonly events: readonly E[];
  /** The state after the given events and the new ones. */
  readonly state: S;
}

/**
 * The end of a decider specification: what the command must produce.
 *
 * @example
 * given([opened]).when(deposit(5)).then([deposited(5)]);
 */
export interface DeciderThen<S, E> {
  /** Asserts that `decide` returned exactly these events (deep equality, in order); `[]` for none. */
  then(expectedEvents: readonly E[]): DeciderOutcome<S, E>;
  /** Asserts that `decide` threw an error of this class, or matching this guard; returns the error. */
  thenThrows<T = unknown>(matcher: ErrorMatcher<T>): T;
}

/**
 * A decider specification after `given`: the command to decide.
 *
 * @example
 * given([opened]).when(deposit(5));
 */
export interface DeciderWhen<S, C, E> {
  when(command: C): DeciderThen<S, E>;
}

/**
 * Given/when/then specifications for a {@link Decider}, run in memory (no DynamoDB): `given` folds
 * past events with `evolve`, `when` decides a command, `then` compares the new events. States and
 * given events are frozen, so an `evolve` that mutates instead of returning a new state fails.
 *
 * @example
 * const given = specifyDecider(bankAccount);
 * given([{ type: 'AccountOpened', data: { owner: 'Ada' } }])
 *   .when({ type: 'Deposit', amount: 5 })
 *   .then([{ type: 'MoneyDeposited', data: { amount: 5 } }]);
 * given([]).when({ type: 'Deposit', amount: 5 }).thenThrows(AccountNotOpenError);
 */
export function specifyDecider<S, C, E extends EventShape>(
  decider: Decider<S, C, E>,
): (events?: readonly E[]) => DeciderWhen<S, C, E> {
  return (given = []) => ({
    when: (command) => {
      const context = `given ${given.length} event(s), when ${describeCommand(command)}`;
      let ran: { outcome: Outcome; state: S } | undefined;
      const run = () => {
        ran ??= decideOnce(decider, given, command);
        return ran;
      };
      return {
        // biome-ignore lint/suspicious/noThenProperty: `given().when().then()` is the specification's grammar; assertSameEvents rejects misuse as a promise.
        then(expectedEvents: readonly E[]) {
          const { outcome, state } = run();
          if (outcome.threw) throw unexpectedError(outcome.error, context);
          assertSameEvents(outcome.events, expectedEvents, context);
          const events = outcome.events as readonly E[];
          return { events, state: fold(decider, state, events, context, 'evolve (on the new events)') };
        },
        thenThrows: (matcher: ErrorMatcher) => assertThrew(run().outcome, matcher, context),
      } as DeciderThen<S, E>;
    },
  });
}

function decideOnce<S, C, E extends EventShape>(
  decider: Decider<S, C, E>,
  given: readonly E[],
  command: C,
): { outcome: Outcome; state: S } {
  const context = `given ${given.length} event(s)`;
  const state = fold(
    decider,
    deepFreeze(decider.initialState()),
    given,
    context,
    'evolve (on the given events)',
  );
  try {
    const decided = decider.decide(command, state);
    const events = Array.isArray(decided) ? (decided as readonly E[]) : [decided as E];
    return { outcome: { threw: false, events }, state };
  } catch (error) {
    return { outcome: { threw: true, error }, state };
  }
}

function fold<S, C, E extends EventShape>(
  decider: Decider<S, C, E>,
  initial: S,
  events: readonly E[],
  context: string,
  culprit: string,
): S {
  try {
    return events.reduce((state, event) => deepFreeze(decider.evolve(state, deepFreeze(event))), initial);
  } catch (error) {
    throw unexpectedError(error, context, culprit);
  }
}

function describeCommand(command: unknown): string {
  const type = (command as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? `command "${type}"` : 'the command';
}
