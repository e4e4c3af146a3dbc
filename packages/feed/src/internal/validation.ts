import { describeValue } from '@dynamo-es/event-store';
import { InvalidFeedInputError } from '../errors.js';

/**
 * `value` when it is an integer of at least `min` (and at most `max`), `fallback` when undefined;
 * throws otherwise.
 */
export function integerOption(
  value: unknown,
  fallback: number,
  path: string,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new InvalidFeedInputError(path, `expected an integer ${range}, got ${describeValue(value)}`);
  }
  return value;
}

/** A position: an integer of at least 0 (0 and 1 both mean the first event). */
export const positionOption = (value: unknown, path: string): number => integerOption(value, 0, path, 0);

/** A non-empty string of at most `max` characters, e.g. a subscription name. */
export function nameOption(value: unknown, path: string, max = 200): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new InvalidFeedInputError(
      path,
      `expected a non-empty string of at most ${max} characters, got ${describeValue(value)}`,
    );
  }
  return value;
}
