import { describeValue } from '@dynamo-es/event-store';
import { InvalidFeedInputError } from '../errors.js';

/**
 * Which events to read: by type, by stream id prefix, or both. Checked on the feed's entries, so
 * events that do not match are never fetched.
 *
 * @example
 * const filter: FeedFilter = { types: ['MoneyWithdrawn'], streamPrefix: 'account-' };
 */
export interface FeedFilter {
  /** Only events of these types. */
  readonly types?: readonly string[];
  /** Only events of streams whose id starts with this (or one of these) prefix(es). */
  readonly streamPrefix?: string | readonly string[];
}

/** A compiled filter: true for the (stream, type) pairs to read. */
export type EntryMatcher = (streamId: string, type: string) => boolean;

/** Checks and compiles a filter. */
export function compileFilter(filter: FeedFilter | undefined, path = 'options.filter'): EntryMatcher {
  if (filter === undefined) return () => true;
  if (typeof filter !== 'object' || filter === null) {
    throw new InvalidFeedInputError(path, `expected { types?, streamPrefix? }, got ${describeValue(filter)}`);
  }
  const types = filter.types === undefined ? undefined : new Set(strings(filter.types, `${path}.types`));
  const prefixes =
    filter.streamPrefix === undefined
      ? undefined
      : strings(
          typeof filter.streamPrefix === 'string' ? [filter.streamPrefix] : filter.streamPrefix,
          `${path}.streamPrefix`,
        );
  return (streamId, type) =>
    (types === undefined || types.has(type)) &&
    (prefixes === undefined || prefixes.some((prefix) => streamId.startsWith(prefix)));
}

/**
 * The types a filter asks for, each once (`undefined`: every type). Call after {@link compileFilter},
 * which checks the filter. With types, readers use the type index instead of every batch.
 */
export function typesOf(filter: FeedFilter | undefined): readonly string[] | undefined {
  return filter?.types === undefined ? undefined : [...new Set(filter.types)];
}

function strings(value: unknown, path: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.length === 0)) {
    throw new InvalidFeedInputError(path, `expected non-empty strings, got ${describeValue(value)}`);
  }
  return value as string[];
}
