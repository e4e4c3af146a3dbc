import type { BatchEntry } from '../codec/batch-item.js';

/** What the indexer must bring into the feed for one stream: versions up to `target`. */
export interface StreamWork {
  readonly streamId: string;
  /** The highest version delivered: the stream is indexed up to here once done. */
  readonly target: number;
  /** Types known so far by version: delivered, or read from the events table to fill a gap. */
  readonly types: Map<number, string>;
}

/** How large one batch may grow. */
export interface BatchLimits {
  readonly maxStreams: number;
  readonly maxEvents: number;
  /** Bytes of the entries' JSON (the item adds about 40). */
  readonly maxBytes: number;
}

/** The next batch's entries, or the versions whose types must be read first. */
export interface BatchPlan {
  readonly entries: BatchEntry[];
  readonly count: number;
  /** Versions the entries need that neither the delivery nor an earlier read gave. */
  readonly missing: { streamId: string; version: number }[];
}

/** Bytes of `{"t":[],"e":[]}` */
const ENVELOPE_BYTES = 14;

/**
 * Plans the next batch: for each stream in turn, the versions after `indexed(streamId)` up to its
 * target, as far as the limits allow (a stream that does not fit whole is cut and goes on in the
 * next batch). Streams already indexed to their target are skipped: that is how duplicates go.
 * Pure: what to read and what to write, decided without a request.
 *
 * @example
 * const plan = planBatch(work, (id) => states.get(id)?.version ?? 0, limits);
 * if (plan.missing.length > 0) await fill(plan.missing); // then plan again
 */
export function planBatch(
  work: readonly StreamWork[],
  indexed: (streamId: string) => number,
  limits: BatchLimits,
): BatchPlan {
  const plan: Planning = { entries: [], missing: [], typeIndex: new Map(), bytes: ENVELOPE_BYTES, count: 0 };
  for (const stream of work) {
    if (plan.entries.length === limits.maxStreams || plan.count === limits.maxEvents) break;
    const from = indexed(stream.streamId) + 1;
    if (from > stream.target) continue;
    const entryBytes = Buffer.byteLength(JSON.stringify(stream.streamId)) + String(from).length + 6;
    if (plan.bytes + entryBytes + 2 > limits.maxBytes && plan.entries.length > 0) break;
    plan.bytes += entryBytes;
    plan.entries.push({
      streamId: stream.streamId,
      fromVersion: from,
      types: planTypes(stream, from, plan, limits),
    });
  }
  const { entries, count, missing } = plan;
  return missing.length > 0 ? { entries: [], count: 0, missing } : { entries, count, missing };
}

interface Planning {
  readonly entries: BatchEntry[];
  readonly missing: { streamId: string; version: number }[];
  readonly typeIndex: Map<string, number>;
  bytes: number;
  count: number;
}

/** The types of a stream's versions from `from` on that fit; unknown ones are noted as missing. */
function planTypes(stream: StreamWork, from: number, plan: Planning, limits: BatchLimits): string[] {
  const types: string[] = [];
  for (let version = from; version <= stream.target && plan.count < limits.maxEvents; version++) {
    const type = stream.types.get(version);
    if (type === undefined) {
      plan.missing.push({ streamId: stream.streamId, version });
      types.push('');
    } else {
      const cost = typeCost(type, plan.typeIndex);
      // Every entry holds one event at least, whatever the limit: a batch always progresses.
      if (plan.bytes + cost > limits.maxBytes && types.length > 0) break;
      plan.bytes += cost;
      types.push(type);
    }
    plan.count++;
  }
  return types;
}

/** Bytes one more event of `type` adds: its index and a comma, and the type's name the first time. */
function typeCost(type: string, typeIndex: Map<string, number>): number {
  let index = typeIndex.get(type);
  let cost = 0;
  if (index === undefined) {
    index = typeIndex.size;
    typeIndex.set(type, index);
    cost += Buffer.byteLength(JSON.stringify(type)) + 1;
  }
  return cost + String(index).length + 1;
}
