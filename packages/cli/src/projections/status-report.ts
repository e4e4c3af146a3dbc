import { type EventStore, mapLimit } from '@dynamo-es/event-store';
import type { ReadModels } from '@dynamo-es/projections';
import type { ProjectionItems, RegisteredVersion, StreamCheckpoint } from './read-model-items.js';

/**
 * One projection version in `projections status`.
 *
 * @example
 * const { projections } = JSON.parse(stdout) as StatusReport; // dynamo-es projections status --json
 * const stuck = projections.filter((entry: ProjectionVersionStatus) => entry.parked > 0);
 */
export interface ProjectionVersionStatus {
  readonly projection: string;
  readonly version: number;
  /** Registry status: `building`, `ready`, `live`; `unregistered` or `not started` otherwise. */
  readonly status: string;
  /** Readers are switched to this version. */
  readonly active: boolean;
  readonly createdAt?: string;
  readonly readyAt?: string;
  /** Streams with a checkpoint. */
  readonly streams: number;
  /** Sum of the checkpoints' versions: the events this version has gone through. */
  readonly eventsApplied: number;
  readonly lastCheckpointAt?: string;
  /** Streams parked behind a dead letter. */
  readonly parked: number;
  /** Streams whose next event is failing and being retried. */
  readonly failing: number;
  readonly deadLetters: { readonly open: number; readonly replayed: number };
  /** Events after the checkpoints (when heads were read): see {@link StreamStatus.behind}. */
  readonly behind?: { readonly events: number; readonly streams: number };
}

/**
 * One stream's checkpoint with the stream's head, when it was read.
 *
 * @example
 * const behind = (JSON.parse(stdout) as StatusReport).streams.filter((s: StreamStatus) => (s.behind ?? 0) > 0);
 */
export interface StreamStatus extends StreamCheckpoint {
  readonly head?: number;
  /**
   * Events of the stream after the checkpoint. An upper bound: a stream whose events change no
   * document is checkpointed only every 100 events.
   */
  readonly behind?: number;
}

/**
 * What `dynamo-es projections status --json` prints.
 *
 * @example
 * const report = JSON.parse(stdout) as StatusReport;
 */
export interface StatusReport {
  readonly projections: readonly ProjectionVersionStatus[];
  readonly streams: readonly StreamStatus[];
}

/** What the report is built from. */
export interface StatusInput {
  readonly readModels: ReadModels;
  readonly items: ProjectionItems;
  /** Reads stream heads for the lag; omitted: no lag. */
  readonly eventStore?: EventStore;
  /** Versions defined in the user's module, shown even before they have any data. */
  readonly defined?: readonly { readonly name: string; readonly version: number }[];
}

const HEAD_READS_AT_ONCE = 16;

/** Joins checkpoints, the registry, dead letters and (optionally) stream heads per projection version. */
export async function buildStatusReport(input: StatusInput): Promise<StatusReport> {
  const streams = await withHeads(input.items.checkpoints, input.eventStore);
  const refs = versionRefs(input);
  const projections = await Promise.all(
    refs.map(async (ref) => {
      const mine = streams.filter(
        (stream) => stream.projection === ref.projection && stream.projectionVersion === ref.version,
      );
      const letters = await input.readModels.deadLetters.list(
        { name: ref.projection, version: ref.version },
        { status: 'all' },
      );
      const open = letters.filter((letter) => letter.status === 'open').length;
      return summarize(ref, input.items.active.get(ref.projection) === ref.version, mine, {
        open,
        replayed: letters.length - open,
      });
    }),
  );
  return { projections, streams: sortStreams(streams) };
}

function sortStreams(streams: readonly StreamStatus[]): StreamStatus[] {
  return [...streams].sort(
    (a, b) =>
      a.projection.localeCompare(b.projection) ||
      a.projectionVersion - b.projectionVersion ||
      a.streamId.localeCompare(b.streamId),
  );
}

/** Every version seen anywhere: registry, checkpoints, the user's module. */
function versionRefs(input: StatusInput): RegisteredVersion[] {
  const refs = new Map<string, RegisteredVersion>();
  const add = (entry: RegisteredVersion) => {
    const id = `${entry.projection}#${entry.version}`;
    if (!refs.has(id)) refs.set(id, entry);
  };
  for (const entry of input.items.versions) add(entry);
  for (const checkpoint of input.items.checkpoints) {
    add({ projection: checkpoint.projection, version: checkpoint.projectionVersion, status: 'unregistered' });
  }
  for (const defined of input.defined ?? []) {
    add({ projection: defined.name, version: defined.version, status: 'not started' });
  }
  return [...refs.values()].sort((a, b) => a.projection.localeCompare(b.projection) || a.version - b.version);
}

function summarize(
  ref: RegisteredVersion,
  active: boolean,
  streams: readonly StreamStatus[],
  deadLetters: ProjectionVersionStatus['deadLetters'],
): ProjectionVersionStatus {
  const times = streams.flatMap((stream) => (stream.at ? [stream.at] : [])).sort();
  const measured = streams.filter((stream) => stream.behind !== undefined);
  const lastCheckpointAt = times[times.length - 1];
  return {
    projection: ref.projection,
    version: ref.version,
    status: ref.status,
    active,
    ...(ref.createdAt ? { createdAt: ref.createdAt } : {}),
    ...(ref.readyAt ? { readyAt: ref.readyAt } : {}),
    streams: streams.length,
    eventsApplied: streams.reduce((sum, stream) => sum + stream.version, 0),
    ...(lastCheckpointAt ? { lastCheckpointAt } : {}),
    parked: streams.filter((stream) => stream.parkedAt !== undefined).length,
    failing: streams.filter((stream) => stream.failedVersion !== undefined && stream.parkedAt === undefined)
      .length,
    deadLetters,
    ...(measured.length === streams.length && streams.length > 0
      ? {
          behind: {
            events: measured.reduce((sum, stream) => sum + (stream.behind ?? 0), 0),
            streams: measured.filter((stream) => (stream.behind ?? 0) > 0).length,
          },
        }
      : {}),
  };
}

/** Reads each stream's head once (however many projections checkpoint it). */
async function withHeads(
  checkpoints: readonly StreamCheckpoint[],
  eventStore: EventStore | undefined,
): Promise<StreamStatus[]> {
  if (!eventStore) return [...checkpoints];
  const ids = [...new Set(checkpoints.map((checkpoint) => checkpoint.streamId))];
  const heads = new Map<string, number>();
  await mapLimit(ids, HEAD_READS_AT_ONCE, async (streamId) => {
    heads.set(streamId, await eventStore.streamVersion(streamId));
  });
  return checkpoints.map((checkpoint) => {
    const head = heads.get(checkpoint.streamId) ?? 0;
    return { ...checkpoint, head, behind: Math.max(0, head - checkpoint.version) };
  });
}
