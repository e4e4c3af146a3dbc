import { randomFillSync } from 'node:crypto';
import { InvalidInputError } from './errors.js';
import type { EventStoreOptions } from './event-store.js';
import type { StreamAppend } from './types.js';
import {
  assertClientAndTable,
  assertExpectedVersion,
  assertNewEvents,
  assertStreamId,
  assertVersionNumber,
  describeValue,
} from './validation.js';

// ulid's default source calls crypto.getRandomValues once per character: 16 calls (about 100 us)
// per id. The same cryptographic randomness, drawn 4 KB at a time.
const pool = Buffer.alloc(4096);
let pooled = pool.length;
export function pooledRandom(): number {
  if (pooled >= pool.length) {
    randomFillSync(pool);
    pooled = 0;
  }
  return (pool[pooled++] as number) / 256;
}

export function checkedTime(time: unknown): Date {
  // ULIDs hold 48 bits of milliseconds since 1970: later than that is not a clock, it is a bug.
  if (!(time instanceof Date) || !(time.getTime() >= 0 && time.getTime() < 2 ** 48)) {
    throw new InvalidInputError(
      'now',
      `expected the clock to return a valid Date after 1970, got ${describeValue(time)}`,
    );
  }
  return time;
}

/**
 * Checks the streams of an `appendMany`: each once, its events valid; a stream with no events (a
 * check that it has not moved) must name its exact expected version.
 */
export function assertAppends(appends: unknown): asserts appends is readonly StreamAppend[] {
  if (!Array.isArray(appends) || appends.length === 0) {
    throw new InvalidInputError(
      'appends',
      'expected a non-empty array of { streamId, events, expectedVersion }',
    );
  }
  const seen = new Set<string>();
  appends.forEach((entry: StreamAppend, index) => {
    if (typeof entry !== 'object' || entry === null) {
      throw new InvalidInputError(`appends[${index}]`, 'expected { streamId, events, expectedVersion }');
    }
    assertStreamId(entry.streamId, `appends[${index}].streamId`);
    assertExpectedVersion(entry.expectedVersion, `appends[${index}].expectedVersion`);
    if (Array.isArray(entry.events) && entry.events.length === 0) {
      if (entry.expectedVersion === 'any' || entry.expectedVersion === 'exists') {
        throw new InvalidInputError(
          `appends[${index}].expectedVersion`,
          "a stream without events is a check that it has not moved: give its exact version, not 'any' or 'exists'",
        );
      }
    } else assertNewEvents(entry.events, `appends[${index}].events`);
    if (seen.has(entry.streamId)) {
      throw new InvalidInputError(
        `appends[${index}].streamId`,
        `"${entry.streamId}" appears twice; merge its events`,
      );
    }
    seen.add(entry.streamId);
  });
}

export function assertStoreOptions(options: EventStoreOptions): void {
  if (options.idempotency !== undefined) {
    const { tableName, expireAfterSeconds } = options.idempotency ?? {};
    assertClientAndTable({ client: options.client, tableName });
    if (expireAfterSeconds !== undefined)
      assertVersionNumber(expireAfterSeconds, 'idempotency.expireAfterSeconds', 1);
  }
  // Unbounded values here would mean an append retrying forever or a cache that never evicts.
  if (options.maxAppendAttempts !== undefined)
    assertVersionNumber(options.maxAppendAttempts, 'maxAppendAttempts', 1);
  if (options.knownStreams !== undefined) assertVersionNumber(options.knownStreams, 'knownStreams', 1);
  const { compressAbove } = options;
  if (compressAbove !== undefined && compressAbove !== false)
    assertVersionNumber(compressAbove, 'compressAbove', 0);
  assertHooks(options.logger, 'logger', [['debug', 'info', 'warn', 'error']]);
  assertHooks(options.metrics, 'metrics', [
    ['record'],
    ['addMetric', 'singleMetric', 'publishStoredMetrics'],
  ]);
  assertHooks(options.tracer, 'tracer', [['startActiveSpan'], ['isTracingEnabled']]);
  for (const name of ['newEventId', 'now'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new InvalidInputError(name, `expected a function, got ${describeValue(options[name])}`);
    }
  }
}

/** `value` must have every method of one of `shapes` (a typo'd or wrong object fails here, not in production). */
function assertHooks(value: unknown, path: string, shapes: readonly (readonly string[])[]): void {
  if (value === undefined) return;
  const has = (method: string) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>)[method] === 'function';
  if (shapes.some((methods) => methods.every(has))) return;
  const expected = shapes.map((methods) => methods.join(', ')).join(' or ');
  throw new InvalidInputError(
    path,
    `expected an object with the methods ${expected}, got ${describeValue(value)}`,
  );
}
