import { InvalidProjectionError } from './errors.js';

/** Validates an optional positive integer option, or returns its default. */
export function positive(value: number | undefined, fallback: number, path: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidProjectionError(path, `expected a positive integer, got ${String(value)}`);
  }
  return value;
}
