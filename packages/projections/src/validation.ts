import { InvalidProjectionError } from './errors.js';

/** Validates an optional positive integer option, or returns its default. */
export function positive(value: number | undefined, fallback: number, path: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidProjectionError(path, `expected a positive integer, got ${String(value)}`);
  }
  return value;
}

/** Projection names: used inside keys (`doc#<name>#<version>#...`), so no `#`. */
export const PROJECTION_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;

/** Checks a `{ name, version }` projection reference before any key is built from it. */
export function assertProjectionRef(
  ref: unknown,
  path = 'projection',
): asserts ref is { name: string; version: number } {
  const { name, version } = (typeof ref === 'object' && ref !== null ? ref : {}) as {
    name?: unknown;
    version?: unknown;
  };
  if (typeof name !== 'string' || !PROJECTION_NAME_PATTERN.test(name)) {
    throw new InvalidProjectionError(
      `${path}.name`,
      `expected 1-100 letters, digits, "_", "." or "-", got ${String(name)}`,
    );
  }
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new InvalidProjectionError(
      `${path}.version`,
      `expected a positive integer, got ${String(version)}`,
    );
  }
}
