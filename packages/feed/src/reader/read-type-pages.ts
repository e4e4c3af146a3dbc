import { mapLimit } from '@dynamo-es/event-store';
import { type Batch, batchEnd } from '../codec/batch-item.js';
import { epochOf, type Item } from '../codec/keys.js';
import type { FeedMeta } from '../codec/meta-item.js';
import type { FeedTable } from '../dynamodb/feed-table.js';
import type { FeedLog } from '../indexer/feed-log.js';
import { chunks } from '../internal/chunks.js';
import { type FeedEntry, matchingEntries } from './entries.js';
import type { FeedPage, PageOptions } from './read-pages.js';

type TypeReadOptions = PageOptions & { readonly types: readonly string[] };

/**
 * The entries of some types from a batch on, through the type index: for each epoch, each type's
 * index items (only that type's events, a few bytes each), merged in position order; unrelated
 * events cost nothing, not even their entries. Every batch but the latest has its type items
 * (a writer applies the latest batch, index included, before putting the next), so the index is
 * read up to the latest batch, and the latest batch itself from its entries. Then again while the
 * feed grows.
 */
export async function* readTypeEntryPages(
  log: FeedLog,
  meta: FeedMeta,
  options: TypeReadOptions,
): AsyncGenerator<FeedPage<FeedEntry>> {
  let from = options.from;
  for (;;) {
    const latest = await log.latest();
    if (!latest || batchEnd(latest) <= from) return;
    if (latest.first > from) yield* readIndexed(log.table, meta, options, { from, to: latest.first - 1 });
    yield* pagesOf(latestEntries(latest, options), options, {
      end: batchEnd(latest),
      resumeFrom: latest.first,
      lastResumeFrom: batchEnd(latest),
    });
    from = batchEnd(latest);
  }
}

const latestEntries = (latest: Batch, options: TypeReadOptions) =>
  matchingEntries([latest], options.fromPosition, options.matches);

/** The index's entries of the batches starting in `from` .. `to`, epoch by epoch. */
async function* readIndexed(
  table: FeedTable,
  meta: FeedMeta,
  options: TypeReadOptions,
  range: { from: number; to: number },
): AsyncGenerator<FeedPage<FeedEntry>> {
  const { epochSize } = meta;
  const lastEpoch = epochOf(range.to, epochSize);
  for (let epoch = epochOf(range.from, epochSize); epoch <= lastEpoch; epoch++) {
    const perType = await mapLimit(options.types, options.types.length, (type) =>
      readTypeInEpoch(table, epochSize, { epoch, type, ...range }),
    );
    const entries = perType
      .flat()
      .filter(
        (entry) => entry.position >= options.fromPosition && options.matches(entry.streamId, entry.type),
      )
      .sort((a, b) => a.position - b.position)
      // Items of one batch are derived from it alone, but code that splits large ones differently
      // could have written overlapping items for it: a position is listed once whatever.
      .filter((entry, index, sorted) => index === 0 || sorted[index - 1]?.position !== entry.position);
    // Items live under their batch's epoch, and a batch of the next epoch starts at its first
    // position or later: every position before it (or the range's end) is covered once this epoch
    // is read, and so is every item read, which may reach into the next epoch.
    const last = entries[entries.length - 1];
    const end = Math.max(Math.min((epoch + 1) * epochSize, range.to + 1), (last?.position ?? 0) + 1);
    // The range ends where a batch (the latest) starts: from there on, reading covers `end`.
    const lastResumeFrom = epoch === lastEpoch ? range.to + 1 : range.from;
    yield* pagesOf(entries, options, { end, resumeFrom: range.from, lastResumeFrom });
  }
}

/** Every index entry of one type in one epoch within the range (all its `Query` pages). */
async function readTypeInEpoch(
  table: FeedTable,
  epochSize: number,
  query: { epoch: number; type: string; from: number; to: number },
): Promise<FeedEntry[]> {
  const entries: FeedEntry[] = [];
  let startKey: Item | undefined;
  do {
    const page = await table.typePage({ ...query, ...(startKey ? { startKey } : {}) }, epochSize);
    entries.push(...page.entries);
    startKey = page.next;
  } while (startKey);
  return entries;
}

/**
 * Entries in pages of `pageSize`; the last page ends at `end`, the others after their last entry.
 * `resumeFrom` (`lastResumeFrom` for the last page) is a batch's first position from which reading
 * on covers the page's end.
 */
function* pagesOf(
  entries: readonly FeedEntry[],
  options: TypeReadOptions,
  at: { end: number; resumeFrom: number; lastResumeFrom: number },
): Generator<FeedPage<FeedEntry>> {
  const parts = chunks(entries, options.pageSize);
  for (let index = 0; index < parts.length - 1; index++) {
    const part = parts[index] as FeedEntry[];
    const end = (part[part.length - 1] as FeedEntry).position + 1;
    yield { items: part, end, resumeFrom: at.resumeFrom };
  }
  const end = Math.max(at.end, options.fromPosition);
  yield { items: parts[parts.length - 1] ?? [], end, resumeFrom: at.lastResumeFrom };
}
