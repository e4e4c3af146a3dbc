import { AssertionError, deepStrictEqual } from 'node:assert';
import { inspect } from 'node:util';

/**
 * What `thenThrows` accepts: an error class (checked with `instanceof`), a type guard such as
 * `isConcurrencyError`, or any predicate.
 *
 * @example
 * given([opened]).when(withdraw(1_000)).thenThrows(InsufficientFundsError);
 * given([opened]).when(withdraw(1_000)).thenThrows((error) => (error as Error).message.includes('funds'));
 */
export type ErrorMatcher<T = unknown> =
  | (abstract new (
      ...args: never[]
    ) => T)
  | ((error: unknown) => error is T)
  | ((error: unknown) => boolean);

/** Deep-equal on events, as DynamoDB would store them (properties holding `undefined` do not count). */
export function assertSameEvents(
  actual: readonly unknown[],
  expected: readonly unknown[],
  context: string,
): void {
  if (!Array.isArray(expected)) {
    throw new TypeError(
      `${context}: .then() takes the array of expected events. given(...).when(...) is not a promise: ` +
        'do not await it; call .then([...events]) or .thenThrows(ErrorClass) on it.',
    );
  }
  try {
    deepStrictEqual(withoutUndefined(actual), withoutUndefined(expected));
  } catch (error) {
    if (!(error instanceof AssertionError)) throw error;
    throw new AssertionError({
      message: `${context}: the events differ.\n\n${error.message}`,
      actual: error.actual,
      expected: error.expected,
      operator: 'deepStrictEqual',
    });
  }
}

/** Returns the error when it matches, else throws an `AssertionError` saying what happened instead. */
export function assertThrew<T>(outcome: Outcome, matcher: ErrorMatcher<T>, context: string): T {
  if (typeof matcher !== 'function')
    throw new TypeError(`${context}: thenThrows() takes an error class or a predicate`);
  const wanted = describeMatcher(matcher);
  if (!outcome.threw) {
    throw new AssertionError({
      message: `${context}: expected ${wanted} to be thrown, but the command succeeded and emitted ${show(outcome.events)}`,
      actual: outcome.events,
      expected: wanted,
      operator: 'throws',
    });
  }
  if (matches(outcome.error, matcher)) return outcome.error as T;
  throw new AssertionError({
    message: `${context}: expected ${wanted} to be thrown, but it threw ${show(outcome.error)}`,
    actual: outcome.error,
    expected: wanted,
    operator: 'throws',
  });
}

/** What running the command did. */
export type Outcome = { threw: false; events: readonly unknown[] } | { threw: true; error: unknown };

/** Explains an error thrown where none was expected (by the command, or while replaying events). */
export function unexpectedError(error: unknown, context: string, culprit = 'the command'): Error {
  const hint = isFrozenWrite(error)
    ? '\nA handler or evolve changed the state it was given instead of returning a new one; the test kit ' +
      'freezes states to catch this, because a retried command restarts from the last committed state.'
    : '';
  return new AssertionError({
    message: `${context}: expected events, but ${culprit} threw ${show(error)}${hint}`,
    actual: error,
    expected: 'events',
    operator: 'then',
  });
}

/** Freezes plain objects and arrays, deeply, so a mutating handler fails loudly in tests. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value) || ArrayBuffer.isView(value))
    return value;
  Object.freeze(value);
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  return value;
}

function isFrozenWrite(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    /read[- ]only|not extensible|Cannot (add|delete|assign)|object is not extensible/i.test(error.message)
  );
}

function matches(error: unknown, matcher: ErrorMatcher<unknown>): boolean {
  if (isClass(matcher)) return error instanceof matcher;
  return (matcher as (error: unknown) => boolean)(error) === true;
}

function isClass(matcher: ErrorMatcher<unknown>): matcher is abstract new (...args: never[]) => unknown {
  const prototype = (matcher as { prototype?: unknown }).prototype;
  return prototype !== undefined && (matcher === Error || prototype instanceof Error);
}

function describeMatcher(matcher: ErrorMatcher<unknown>): string {
  if (isClass(matcher)) return `an instance of ${matcher.name}`;
  return matcher.name ? `an error matching ${matcher.name}` : 'an error matching the predicate';
}

function show(value: unknown): string {
  return inspect(value, { depth: 6, breakLength: 100 });
}

function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (typeof value !== 'object' || value === null) return value;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value))
    if (child !== undefined) out[key] = withoutUndefined(child);
  return out;
}
