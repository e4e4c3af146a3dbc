import { itemBytes } from '@dynamo-es/event-store';
import { CorruptFeedError } from '../errors.js';
import { batchKey, epochKey, epochOf, type Item } from './keys.js';

/** Consecutive versions of one stream in a batch: `fromVersion` and the type of each version. */
export interface BatchEntry {
  readonly streamId: string;
  readonly fromVersion: number;
  /** The type of each version from `fromVersion` on: `types.length` events. */
  readonly types: readonly string[];
}

/**
 * One item of the feed: events at positions `first` .. `first + count - 1`, in the order of
 * `entries` (each entry's versions in order). The next batch starts at `first + count`.
 */
export interface Batch {
  readonly first: number;
  readonly count: number;
  readonly entries: readonly BatchEntry[];
  /** When it was written (epoch ms). */
  readonly writtenAt: number;
}

/** The first position after a batch: where the next batch starts. */
export const batchEnd = (batch: Pick<Batch, 'first' | 'count'>): number => batch.first + batch.count;

/** The last version of an entry. */
export const entryTo = (entry: BatchEntry): number => entry.fromVersion + entry.types.length - 1;

/**
 * Encodes a batch as an item: the key (`p` = its epoch, `n` = its first position), `c` the count,
 * `w` the time, and `b` the entries as compact JSON: `{"t":[types],"e":[[streamId,fromVersion,
 * [type index per version]],...]}`, each type named once per batch. Pure.
 *
 * @example
 * const { item, size } = encodeBatchItem(batch, 100_000); // size: bytes as DynamoDB counts them
 */
export function encodeBatchItem(batch: Batch, epochSize: number): { item: Item; size: number } {
  const types = new Map<string, number>();
  const entries = batch.entries.map((entry) => [
    entry.streamId,
    entry.fromVersion,
    entry.types.map((type) => {
      const known = types.get(type);
      if (known !== undefined) return known;
      types.set(type, types.size);
      return types.size - 1;
    }),
  ]);
  const item: Item = {
    ...batchKey(batch.first, epochSize),
    c: { N: String(batch.count) },
    w: { N: String(batch.writtenAt) },
    b: { S: JSON.stringify({ t: [...types.keys()], e: entries }) },
  };
  return { item, size: itemBytes(item) };
}

/**
 * Decodes a batch item, checking everything a reader relies on: its place (epoch and first
 * position), the count, well-formed entries and no stream twice.
 *
 * @throws CorruptFeedError when the item is not a batch the feed wrote.
 */
export function decodeBatchItem(item: Item, epochSize: number): Batch {
  const first = Number(item.n?.N);
  const count = Number(item.c?.N);
  const where = `batch item ${item.p?.S}/${item.n?.N}`;
  if (!isPositive(first) || !isPositive(count) || typeof item.b?.S !== 'string') {
    throw new CorruptFeedError(`${where} has no valid first position, count or entries`);
  }
  if (item.p?.S !== epochKey(epochOf(first, epochSize)).S) {
    throw new CorruptFeedError(
      `${where} is not under the key of its epoch (${epochSize} positions per epoch)`,
    );
  }
  const entries = parseEntries(item.b.S, where);
  const total = entries.reduce((sum, entry) => sum + entry.types.length, 0);
  if (total !== count) throw new CorruptFeedError(`${where} says ${count} events but holds ${total}`);
  return { first, count, entries, writtenAt: Number(item.w?.N ?? 0) };
}

function parseEntries(text: string, where: string): BatchEntry[] {
  let body: { t?: unknown; e?: unknown };
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new CorruptFeedError(`${where} holds entries that are not JSON`, { cause: error });
  }
  const { t: types, e: rows } = body ?? {};
  if (!Array.isArray(types) || !types.every((type) => typeof type === 'string' && type.length > 0)) {
    throw new CorruptFeedError(`${where} has no valid list of types`);
  }
  if (!Array.isArray(rows) || rows.length === 0) throw new CorruptFeedError(`${where} has no entries`);
  const streams = new Set<string>();
  return rows.map((row: unknown) => {
    const [streamId, fromVersion, indices] = Array.isArray(row) ? row : [];
    const valid =
      typeof streamId === 'string' &&
      streamId.length > 0 &&
      isPositive(fromVersion) &&
      Array.isArray(indices) &&
      indices.length > 0 &&
      indices.every((index) => Number.isInteger(index) && index >= 0 && index < types.length);
    if (!valid) throw new CorruptFeedError(`${where} has a malformed entry: ${JSON.stringify(row)}`);
    if (streams.has(streamId)) throw new CorruptFeedError(`${where} holds stream "${streamId}" twice`);
    streams.add(streamId);
    return { streamId, fromVersion, types: indices.map((index: number) => types[index] as string) };
  });
}

const isPositive = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
