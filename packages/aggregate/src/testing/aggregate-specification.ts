import type { EventOf, StateOf } from '../aggregate-repository-types.js';
import type { EventSourcedAggregate } from '../event-sourced.js';
import {
  assertSameEvents,
  assertThrew,
  deepFreeze,
  type ErrorMatcher,
  type Outcome,
  unexpectedError,
} from './assertions.js';

/**
 * Creates the aggregate under test: a factory function or the aggregate class itself.
 *
 * @example
 * const factory: AggregateFactory<BankAccount> = BankAccount; // or (id) => new BankAccount(id)
 */
export type AggregateFactory<A extends EventSourcedAggregate> = ((id: string) => A) | (new (id: string) => A);

/**
 * What a passing `.then()` of an aggregate specification returns, for further assertions.
 *
 * @example
 * const { state } = givenAggregate(BankAccount, [opened]).when((a) => a.deposit(5)).then([deposited(5)]);
 */
export interface AggregateOutcome<A extends EventSourcedAggregate> {
  readonly aggregate: A;
  /** The events the command raised. */
  readonly events: readonly EventOf<A>[];
  /** The state after them. */
  readonly state: StateOf<A>;
}

/**
 * The end of an aggregate specification, for a synchronous command.
 *
 * @example
 * givenAggregate(BankAccount, [opened]).when((a) => a.deposit(5)).then([deposited(5)]);
 */
export interface AggregateThen<A extends EventSourcedAggregate> {
  /** Asserts that the command raised exactly these events (deep equality, in order); `[]` for none. */
  then(expectedEvents: readonly EventOf<A>[]): AggregateOutcome<A>;
  /** Asserts that the command threw an error of this class, or matching this guard; returns the error. */
  thenThrows<T = unknown>(matcher: ErrorMatcher<T>): T;
}

/**
 * The end of an aggregate specification, for a command that returns a promise: await the result.
 *
 * @example
 * await givenAggregate(BankAccount, [opened]).when(async (a) => a.deposit(await rate())).then([deposited(5)]);
 */
export interface AsyncAggregateThen<A extends EventSourcedAggregate> {
  then(expectedEvents: readonly EventOf<A>[]): Promise<AggregateOutcome<A>>;
  thenThrows<T = unknown>(matcher: ErrorMatcher<T>): Promise<T>;
}

/**
 * An aggregate specification after `given`: the command to run on the aggregate.
 *
 * @example
 * givenAggregate(BankAccount, [opened]).when((account) => account.deposit(5));
 */
export interface AggregateWhen<A extends EventSourcedAggregate> {
  when(command: (aggregate: A) => Promise<unknown>): AsyncAggregateThen<A>;
  when(command: (aggregate: A) => unknown): AggregateThen<A>;
}

/**
 * Given/when/then specifications for an aggregate class, run in memory (no DynamoDB): `given`
 * replays past events, `when` runs a command on the aggregate, `then` compares the events it
 * raised. States are frozen, so a handler that mutates instead of returning a new state fails.
 *
 * @example
 * const given = specifyAggregate(BankAccount);
 * given([opened]).when((account) => account.deposit(5)).then([{ type: 'MoneyDeposited', data: { amount: 5 } }]);
 * given([]).when((account) => account.deposit(5)).thenThrows(AccountNotOpenError);
 */
export function specifyAggregate<A extends EventSourcedAggregate>(
  factory: AggregateFactory<A>,
  options: { readonly id?: string } = {},
): (events?: readonly EventOf<A>[]) => AggregateWhen<A> {
  const id = options.id ?? 'aggregate-under-test';
  return (given = []) => ({
    when: ((command: (aggregate: A) => unknown) => {
      const context = `given ${given.length} event(s), when ${command.name || 'the command'} runs`;
      const aggregate = create(factory, id);
      try {
        aggregate.loadFromHistory(given.map((event) => deepFreeze(event)));
        deepFreeze(aggregate.state);
      } catch (error) {
        throw unexpectedError(error, `given ${given.length} event(s)`, 'replaying them');
      }
      const result = run(aggregate, command);
      const finish = (outcome: Outcome) => ({
        // biome-ignore lint/suspicious/noThenProperty: `given().when().then()` is the specification's grammar; assertSameEvents rejects misuse as a promise.
        then: (expected: readonly EventOf<A>[]) => {
          if (outcome.threw) throw unexpectedError(outcome.error, context);
          assertSameEvents(outcome.events, expected, context);
          return { aggregate, events: aggregate.uncommittedEvents, state: aggregate.state };
        },
        thenThrows: (matcher: ErrorMatcher) => assertThrew(outcome, matcher, context),
      });
      if (!(result instanceof Promise)) return finish(result);
      return {
        // biome-ignore lint/suspicious/noThenProperty: `given().when().then()` is the specification's grammar; assertSameEvents rejects misuse as a promise.
        then: (expected: readonly EventOf<A>[]) => {
          // Synchronous check: when this object is mistakenly awaited, `then(resolve, reject)` must
          // throw at once, or the await would hang.
          if (!Array.isArray(expected)) assertSameEvents([], expected, context);
          return result.then((outcome) => finish(outcome).then(expected));
        },
        thenThrows: async (matcher: ErrorMatcher) => finish(await result).thenThrows(matcher),
      };
    }) as AggregateWhen<A>['when'],
  });
}

/**
 * Shorthand for `specifyAggregate(factory)(events)`.
 *
 * @example
 * givenAggregate(BankAccount, [opened]).when((account) => account.deposit(5)).then([deposited(5)]);
 */
export function givenAggregate<A extends EventSourcedAggregate>(
  factory: AggregateFactory<A>,
  events: readonly EventOf<A>[] = [],
): AggregateWhen<A> {
  return specifyAggregate(factory)(events);
}

function create<A extends EventSourcedAggregate>(factory: AggregateFactory<A>, id: string): A {
  const isClass = Function.prototype.toString.call(factory).startsWith('class');
  return isClass ? new (factory as new (id: string) => A)(id) : (factory as (id: string) => A)(id);
}

function run<A extends EventSourcedAggregate>(
  aggregate: A,
  command: (aggregate: A) => unknown,
): Outcome | Promise<Outcome> {
  const succeeded = (): Outcome => ({ threw: false, events: aggregate.uncommittedEvents });
  const failed = (error: unknown): Outcome => ({ threw: true, error });
  try {
    const returned = command(aggregate);
    return returned instanceof Promise ? returned.then(succeeded, failed) : succeeded();
  } catch (error) {
    return failed(error);
  }
}
