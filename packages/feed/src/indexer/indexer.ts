import { readEventHeader } from '@dynamo-es/event-store';
import { type Batch, batchEnd, entryTo } from '../codec/batch-item.js';
import type { EventsTable, IndexedHeader } from '../dynamodb/events-table.js';
import { FeedContentionError, isCorruptFeedError, MissingEventError } from '../errors.js';
import { jitteredDelay, sleep } from '../internal/backoff.js';
import type { FeedLog } from './feed-log.js';
import { versionIn } from './last-states.js';
import { type BatchLimits, type BatchPlan, planBatch, type StreamWork } from './plan-batch.js';

/** What indexing some delivered events did. */
export interface IndexOutcome {
  /** Events given a position now (delivered or read to fill a gap). */
  readonly indexed: number;
  /** Delivered events the feed held already (or delivered twice). */
  readonly duplicates: number;
  /** Versions that were not delivered but had to be indexed first, read from the events table. */
  readonly filled: number;
  /** Batches written. */
  readonly batches: readonly Batch[];
  /** Times another writer took the position this one was about to write. */
  readonly conflicts: number;
  /** Streams that could not be indexed up to their delivered versions, with why. */
  readonly failed: ReadonlyMap<string, unknown>;
}

export interface IndexerConfig {
  readonly log: FeedLog;
  readonly events: EventsTable;
  readonly limits: BatchLimits;
  /** Requests in flight at once for state writes and event reads. */
  readonly concurrency: number;
  /** Attempts at one batch (lost races and transient errors) before giving up. */
  readonly maxAttempts: number;
  readonly now: () => number;
}

/** What one call of `index` has done so far. */
interface Run {
  readonly batches: Batch[];
  conflicts: number;
  readonly failed: Map<string, unknown>;
}

interface Work extends StreamWork {
  readonly delivered: ReadonlySet<number>;
  /** Delivered headers, duplicates within the delivery included. */
  readonly headers: number;
}

/**
 * Gives delivered events their positions, exactly once. For each batch it writes:
 * 1. find the latest batch `L` (consistent reads);
 * 2. apply `L`'s stream states, and read the states of its own streams: by the protocol, every
 *    batch but the latest is applied, so states read once `L` exists, plus `L`'s own entries, say
 *    exactly how far each stream is in the feed;
 * 3. plan the entries after that (skipping what the feed has, reading the types of versions the
 *    delivery lacks from the events table, which only holds committed events);
 * 4. put the batch at `L`'s end, if nobody did. When another writer did, its batch comes back with
 *    the failure: apply it, count it in, plan again after it.
 */
export class Indexer {
  readonly #config: IndexerConfig;

  constructor(config: IndexerConfig) {
    this.#config = config;
  }

  async index(headers: readonly IndexedHeader[]): Promise<IndexOutcome> {
    const work = toWork(headers);
    const run: Run = { batches: [], conflicts: 0, failed: new Map() };
    const reached = new Map<string, number>();
    let pending = work;
    while (pending.length > 0) {
      const candidates = pending.slice(0, this.#config.limits.maxStreams);
      try {
        const versions = await this.#appendOne(candidates, run);
        for (const [streamId, version] of versions) reached.set(streamId, version);
      } catch (error) {
        if (isCorruptFeedError(error)) throw error;
        for (const stream of candidates) run.failed.set(stream.streamId, error);
      }
      pending = pending.filter(
        (stream) => !run.failed.has(stream.streamId) && (reached.get(stream.streamId) ?? 0) < stream.target,
      );
    }
    return summarize(work, run);
  }

  /** Writes one batch for some of `candidates` (or finds all of them indexed); their versions after it. */
  async #appendOne(candidates: readonly Work[], run: Run): Promise<Map<string, number>> {
    const budget = { attempts: 0, maxAttempts: this.#config.maxAttempts };
    let lastError: unknown;
    while (budget.attempts < budget.maxAttempts) {
      try {
        const versions = await this.#attempt(candidates, run, budget);
        if (versions) return versions;
      } catch (error) {
        if (isCorruptFeedError(error)) throw error;
        lastError = error;
        if (++budget.attempts < budget.maxAttempts) await sleep(jitteredDelay(budget.attempts));
      }
    }
    throw new FeedContentionError(
      budget.attempts,
      lastError === undefined ? undefined : { cause: lastError },
    );
  }

  /**
   * One look at the end of the feed, then puts until one lands, following each batch that won the
   * race (returned with the failure) without reading the states again; `undefined` when out of attempts.
   */
  async #attempt(
    candidates: readonly Work[],
    run: Run,
    budget: { attempts: number; maxAttempts: number },
  ): Promise<Map<string, number> | undefined> {
    const { log } = this.#config;
    let latest = await log.latest();
    const ids = candidates.map((stream) => stream.streamId);
    const [, states] = await Promise.all([
      log.apply(latest),
      log.table.readStates(ids, this.#config.concurrency),
    ]);
    const window = latest ? [latest] : [];
    const indexed = (id: string) => Math.max(states.get(id)?.version ?? 0, versionIn(window, id));
    while (budget.attempts < budget.maxAttempts) {
      const live = candidates.filter((stream) => !run.failed.has(stream.streamId));
      const plan = await this.#plan(live, indexed, run.failed);
      const versions = new Map(live.map((stream) => [stream.streamId, indexed(stream.streamId)]));
      if (plan.entries.length === 0) return versions;
      const batch: Batch = {
        first: latest ? batchEnd(latest) : 1,
        count: plan.count,
        entries: plan.entries,
        writtenAt: this.#config.now(),
      };
      const outcome = await log.put(batch);
      if (outcome.written) {
        run.batches.push(batch);
        for (const entry of batch.entries) versions.set(entry.streamId, entryTo(entry));
        return versions;
      }
      run.conflicts++;
      budget.attempts++;
      // Without the winner's batch (no ALL_OLD), start over from a fresh look at the end.
      if (!outcome.existing) throw new Error('the batch that won the race was not returned');
      await log.apply(outcome.existing);
      window.push(outcome.existing);
      latest = outcome.existing;
    }
    return undefined;
  }

  /** Plans a batch, reading the types of versions the delivery lacks; a stream missing a version fails. */
  async #plan(
    work: readonly Work[],
    indexed: (streamId: string) => number,
    failed: Map<string, unknown>,
  ): Promise<BatchPlan> {
    let live = work;
    for (;;) {
      const plan = planBatch(live, indexed, this.#config.limits);
      if (plan.missing.length === 0) return plan;
      const items = await this.#config.events.getItems(plan.missing, {
        consistentRead: true,
        concurrency: this.#config.concurrency,
      });
      const byStream = new Map(live.map((stream) => [stream.streamId, stream]));
      for (const item of items) {
        const header = readEventHeader(item);
        if (header) byStream.get(header.streamId)?.types.set(header.version, header.type);
      }
      for (const { streamId, version } of plan.missing) {
        if (!byStream.get(streamId)?.types.has(version) && !failed.has(streamId)) {
          failed.set(streamId, new MissingEventError({ streamId, version }));
        }
      }
      live = live.filter((stream) => !failed.has(stream.streamId));
    }
  }
}

/** Groups delivered headers by stream, in the order streams first appear. */
function toWork(headers: readonly IndexedHeader[]): Work[] {
  const byStream = new Map<string, { target: number; types: Map<number, string>; headers: number }>();
  for (const header of headers) {
    const stream = byStream.get(header.streamId) ?? {
      target: 0,
      types: new Map<number, string>(),
      headers: 0,
    };
    byStream.set(header.streamId, stream);
    stream.target = Math.max(stream.target, header.version);
    stream.types.set(header.version, header.type);
    stream.headers++;
  }
  return [...byStream].map(([streamId, stream]) => ({
    streamId,
    target: stream.target,
    types: stream.types,
    delivered: new Set(stream.types.keys()),
    headers: stream.headers,
  }));
}

function summarize(work: readonly Work[], run: Run): IndexOutcome {
  const written = new Map<string, { from: number; to: number }[]>();
  let indexed = 0;
  for (const batch of run.batches) {
    indexed += batch.count;
    for (const entry of batch.entries) {
      const ranges = written.get(entry.streamId) ?? [];
      ranges.push({ from: entry.fromVersion, to: entryTo(entry) });
      written.set(entry.streamId, ranges);
    }
  }
  let deliveredWritten = 0;
  let deliveredFailed = 0;
  let headers = 0;
  for (const stream of work) {
    headers += stream.headers;
    const ranges = written.get(stream.streamId) ?? [];
    const isWritten = (version: number) =>
      ranges.some((range) => version >= range.from && version <= range.to);
    const mine = [...stream.delivered].filter(isWritten).length;
    deliveredWritten += mine;
    if (run.failed.has(stream.streamId)) deliveredFailed += stream.delivered.size - mine;
  }
  return {
    indexed,
    duplicates: headers - deliveredWritten - deliveredFailed,
    filled: indexed - deliveredWritten,
    batches: run.batches,
    conflicts: run.conflicts,
    failed: run.failed,
  };
}
