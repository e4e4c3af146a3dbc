import { CorruptFeedError } from '../errors.js';
import type { FeedEntry } from '../reader/entries.js';
import type { Batch } from './batch-item.js';
import { epochOf, type Item, typeKey } from './keys.js';

/**
 * Bytes of rows per type item at most: a batch's events of one type are split into items of about
 * this size, so an item stays far under DynamoDB's 400 KB whatever the batch limits.
 */
export const TYPE_ITEM_MAX_BYTES = 32 * 1024;

/**
 * The type index items of a batch: for each type in it, the positions, streams and versions of
 * its events, keyed by type and the batch's epoch (`p`) and the position of the item's first event
 * (`n`).
 * `c` is the count and `b` compact JSON: `{"s":[streamIds],"e":[[offset from n, stream index,
 * version],...]}`. Derived from the batch alone, so writing them again writes the same items.
 * Pure.
 *
 * @example
 * const items = encodeTypeItems(batch, 100_000); // one per type (more for a very large batch)
 */
export function encodeTypeItems(batch: Batch, epochSize: number): Item[] {
  const byType = new Map<string, FeedEntry[]>();
  let position = batch.first;
  for (const { streamId, fromVersion, types } of batch.entries) {
    types.forEach((type, index) => {
      const list = byType.get(type) ?? [];
      byType.set(type, list);
      list.push({ position: position + index, streamId, version: fromVersion + index, type });
    });
    position += types.length;
  }
  const items: Item[] = [];
  // Under the epoch of the batch, not of each item's first event: a batch that reaches into the
  // next epoch keeps all its items in its own, so an epoch's items all come before the next's.
  const epoch = epochOf(batch.first, epochSize);
  for (const [type, entries] of byType) {
    for (const part of splitBySize(entries.sort((a, b) => a.position - b.position))) {
      items.push(encodeTypeItem(type, part, epoch));
    }
  }
  return items;
}

function encodeTypeItem(type: string, entries: readonly FeedEntry[], epoch: number): Item {
  const first = (entries[0] as FeedEntry).position;
  const streams = new Map<string, number>();
  const rows = entries.map((entry) => {
    let index = streams.get(entry.streamId);
    if (index === undefined) {
      index = streams.size;
      streams.set(entry.streamId, index);
    }
    return [entry.position - first, index, entry.version];
  });
  return {
    p: typeKey(epoch, type),
    n: { N: String(first) },
    c: { N: String(entries.length) },
    b: { S: JSON.stringify({ s: [...streams.keys()], e: rows }) },
  };
}

/** Splits entries into parts whose rows stay under {@link TYPE_ITEM_MAX_BYTES}. */
function splitBySize(entries: readonly FeedEntry[]): FeedEntry[][] {
  const parts: FeedEntry[][] = [];
  let part: FeedEntry[] = [];
  let bytes = 0;
  let streams = new Set<string>();
  for (const entry of entries) {
    const cost =
      24 + (streams.has(entry.streamId) ? 0 : Buffer.byteLength(JSON.stringify(entry.streamId)) + 1);
    if (part.length > 0 && bytes + cost > TYPE_ITEM_MAX_BYTES) {
      parts.push(part);
      [part, bytes, streams] = [[], 0, new Set()];
    }
    part.push(entry);
    streams.add(entry.streamId);
    bytes += cost;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

/**
 * Decodes a type index item into its entries, in position order, checking its place and shape.
 *
 * @throws CorruptFeedError when the item is not a type index item the feed wrote.
 */
export function decodeTypeItem(item: Item, type: string, epochSize: number): FeedEntry[] {
  const first = Number(item.n?.N);
  const count = Number(item.c?.N);
  const where = `type index item ${item.p?.S}/${item.n?.N}`;
  if (!isPositive(first) || !isPositive(count) || typeof item.b?.S !== 'string') {
    throw new CorruptFeedError(`${where} has no valid first position, count or entries`);
  }
  // The batch's epoch: the first event's, or the one before when the batch began there (a batch
  // holds fewer events than an epoch).
  const epoch = epochOf(first, epochSize);
  if (item.p?.S !== typeKey(epoch, type).S && item.p?.S !== typeKey(epoch - 1, type).S) {
    throw new CorruptFeedError(`${where} is not under the key of its type and its batch's epoch`);
  }
  let body: { s?: unknown; e?: unknown };
  try {
    body = JSON.parse(item.b.S);
  } catch (error) {
    throw new CorruptFeedError(`${where} holds entries that are not JSON`, { cause: error });
  }
  const { s: streams, e: rows } = body ?? {};
  if (!Array.isArray(streams) || !Array.isArray(rows) || rows.length !== count) {
    throw new CorruptFeedError(`${where} says ${count} events but does not hold them`);
  }
  let previous = -1;
  return rows.map((row: unknown) => {
    const [offset, index, version] = Array.isArray(row) ? row : [];
    const streamId = Number.isInteger(index) ? streams[index as number] : undefined;
    const valid =
      Number.isSafeInteger(offset) &&
      (previous < 0 ? offset === 0 : (offset as number) > previous) &&
      typeof streamId === 'string' &&
      streamId.length > 0 &&
      isPositive(version);
    if (!valid) throw new CorruptFeedError(`${where} has a malformed entry: ${JSON.stringify(row)}`);
    previous = offset as number;
    return { position: first + (offset as number), streamId, version: version as number, type };
  });
}

const isPositive = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
