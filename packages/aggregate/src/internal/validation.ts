import { assertStreamId, describeValue, type EventMetadata, InvalidInputError } from '@dynamo-es/event-store';

export { describeValue };

export function assertObject(value: unknown, path: string, expected: string): asserts value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError(path, `expected ${expected}, got ${describeValue(value)}`);
  }
}

export function assertFunction(value: unknown, path: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function')
    throw new InvalidInputError(path, `expected a function, got ${describeValue(value)}`);
}

export function assertInteger(value: unknown, path: string, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidInputError(path, `expected an integer of at least ${min}, got ${describeValue(value)}`);
  }
}

/** Checks optional command options: `retries` (an integer >= 0) and `metadata` (an object). */
export function assertCommandOptions(options: unknown): { retries?: number; metadata?: EventMetadata } {
  if (options === undefined) return {};
  assertObject(options, 'options', 'an options object');
  const { retries, metadata } = options as { retries?: unknown; metadata?: unknown };
  if (retries !== undefined) assertInteger(retries, 'options.retries', 0);
  if (metadata !== undefined) assertObject(metadata, 'options.metadata', 'an object');
  return options as { retries?: number; metadata?: EventMetadata };
}

/** Checks the stream ids of a command over several streams: 1 to 100 distinct, valid ids. */
export function assertStreamIds(ids: unknown, path: string): asserts ids is readonly string[] {
  if (!Array.isArray(ids) || ids.length === 0) {
    throw new InvalidInputError(path, `expected a non-empty array of stream ids, got ${describeValue(ids)}`);
  }
  const seen = new Set<string>();
  ids.forEach((id: unknown, index) => {
    assertStreamId(id, `${path}[${index}]`);
    if (seen.has(id)) throw new InvalidInputError(`${path}[${index}]`, `"${id}" appears twice`);
    seen.add(id);
  });
}
