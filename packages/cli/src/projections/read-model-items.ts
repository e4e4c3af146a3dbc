import type { Checkpoint, ReadModels, VersionRecord } from '@dynamo-es/projections';

/**
 * The bookkeeping items `@dynamo-es/projections` keeps in the read-model table, as the CLI
 * reports them: the version registry (with each projection's active version) and the checkpoints.
 * Read with the package's `versions.list` and `checkpoints.list`; the shapes here are the
 * CLI's JSON output (`projections status --json`), kept stable for scripts.
 */
export interface ProjectionItems {
  readonly versions: readonly RegisteredVersion[];
  /** Active version of each projection that was ever switched. */
  readonly active: ReadonlyMap<string, number>;
  readonly checkpoints: readonly StreamCheckpoint[];
}

/** A projection version in the registry. */
export interface RegisteredVersion {
  readonly projection: string;
  readonly version: number;
  /** `building` (a rebuild owns it), `ready` (rebuilt), `live` (built by live handlers). */
  readonly status: string;
  readonly createdAt?: string;
  readonly readyAt?: string;
  /** Counts a finished rebuild recorded. */
  readonly rebuilt?: { readonly events: number; readonly streams: number; readonly documentsWritten: number };
}

/** Where a projection version is in one stream. */
export interface StreamCheckpoint {
  readonly projection: string;
  readonly projectionVersion: number;
  readonly streamId: string;
  /** Last applied event version. */
  readonly version: number;
  /** When the checkpoint was last written. */
  readonly at?: string;
  /** Set when the stream is parked behind a dead-lettered event. */
  readonly parkedAt?: number;
  /** The event version that is failing, its failed attempts and last error (retries under way). */
  readonly failedVersion?: number;
  readonly attempts?: number;
  readonly lastError?: string;
}

/**
 * The registry entries and checkpoints, of one projection if named. Checkpoints are one partition
 * each, so listing them is a `Scan` of the read-model table; so is the registry of every
 * projection (one projection's is a `Query`).
 */
export async function scanProjectionItems(
  readModels: ReadModels,
  options: { readonly projection?: string } = {},
): Promise<ProjectionItems> {
  const [registry, checkpoints] = await Promise.all([
    listRegisteredVersions(readModels, options.projection),
    readModels.checkpoints.list(options),
  ]);
  return { ...registry, checkpoints: checkpoints.map(toStreamCheckpoint) };
}

/**
 * The registered versions of one projection (a `Query` of its registry partition), or of every
 * projection (a `Scan` of the read-model table).
 */
export async function listRegisteredVersions(
  readModels: ReadModels,
  projection?: string,
): Promise<Omit<ProjectionItems, 'checkpoints'>> {
  const records = await readModels.versions.list(projection);
  const active = new Map(records.filter((record) => record.active).map((r) => [r.projection, r.version]));
  return { versions: records.map(toRegisteredVersion), active };
}

function toRegisteredVersion(record: VersionRecord): RegisteredVersion {
  const { projection, version, status, createdAt, readyAt, rebuilt } = record;
  return {
    projection,
    version,
    status,
    ...(createdAt ? { createdAt } : {}),
    ...(readyAt ? { readyAt } : {}),
    ...(rebuilt ? { rebuilt } : {}),
  };
}

function toStreamCheckpoint(checkpoint: Checkpoint): StreamCheckpoint {
  const { projection, version, streamId, appliedVersion, updatedAt, ...state } = checkpoint;
  return {
    projection,
    projectionVersion: version,
    streamId,
    version: appliedVersion,
    ...(updatedAt === undefined ? {} : { at: updatedAt }),
    ...state,
  };
}
