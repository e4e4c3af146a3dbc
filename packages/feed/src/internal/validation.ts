import { describeValue } from '@dynamo-es/event-store';
import { InvalidFeedInputError } from '../errors.js';

/** `value` when it is an integer of at least `min`, `fallback` when undefined; throws otherwise. */
export function integerOption(value: unknown, fallback: number, path: string, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidFeedInputError(
      path,
      `expected an integer of at least ${min}, got ${describeValue(value)}`,
    );
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
