import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Logger, MetricsSink } from '@dynamo-es/event-store';
import type { DeadLetter } from './codec/dead-letter-codec.js';
import { listDeadLetters } from './dead-letters/dead-letter-list.js';
import { type ReplayResult, replayDeadLetters } from './dead-letters/replay.js';
import { InvalidProjectionError } from './errors.js';
import type { EventSource } from './event-source.js';
import {
  createStreamHandler,
  type ProjectionStreamHandler,
  type StreamHandlerOptions,
} from './handler/stream-handler.js';
import type { ProjectionRef } from './keys.js';
import { observerFor } from './observability/observer-options.js';
import type { ProjectionObserver } from './observability/projection-observer.js';
import type { Projection } from './projection.js';
import { type Checkpoint, listCheckpoints } from './read-model/checkpoint-list.js';
import { createReader, type ReadModelReader } from './read-model/document-reader.js';
import { type RebuildOptions, type RebuildResult, rebuild } from './rebuild/rebuild.js';
import { ReadModelTable } from './table/read-model-table.js';
import { createReadModelTable } from './table.js';
import { assertProjectionRef } from './validation.js';
import { type DeletedVersion, deleteVersion } from './versions/delete-version.js';
import { switchVersion } from './versions/switch-version.js';
import { listVersions, prepareVersion, type VersionRecord } from './versions/version-registry.js';

/**
 * What {@link ReadModels} is configured with.
 *
 * @example
 * const options: ReadModelsOptions = { client, eventStore, tableName: 'read-models' };
 */
export interface ReadModelsOptions {
  /** Client for the read-model table. Injected, never created here. */
  readonly client: DynamoDBClient;
  /** The event store whose table feeds the projections: its codec, upcasters, and reads fill gaps. */
  readonly eventStore: EventSource;
  /** The read-model table (default `${eventStore.tableName}-read-models`). */
  readonly tableName?: string;
  /**
   * Where batches (`debug`, or `info` when something happened), retries (`warn`), conflict rounds
   * (`info`), dead letters (`error`), rebuilds and replays are reported. Default: the event
   * store's logger (quiet unless it was given one). A logger that throws never fails a batch.
   */
  readonly logger?: Logger;
  /**
   * `EventsProjected`, `DuplicatesSkipped`, `GapsFilled`, `DeadLettered`, `DeadLettersReplayed`,
   * `BatchFailures` (Count) and `ProjectionLag` (Milliseconds), dimension `projection`. Default:
   * the event store's metrics. Powertools' `Metrics` is taken as it is.
   */
  readonly metrics?: MetricsSink;
  readonly now?: () => Date;
}

/**
 * The read models of one read-model table, fed by one event store: the Lambda handler, readers,
 * rebuilds, dead letters, versions and checkpoints, configured once.
 *
 * @example
 * const readModels = new ReadModels({ client, eventStore });
 * export const handler = readModels.streamHandler([accounts, bankTotals]);
 * const account = await readModels.reader(accounts).get('account-42');
 */
export class ReadModels {
  /** The read-model table's name. */
  readonly tableName: string;
  readonly #table: ReadModelTable;
  readonly #eventStore: EventSource;
  readonly #observer: ProjectionObserver;
  readonly #now: () => Date;

  constructor(options: ReadModelsOptions) {
    if (typeof options?.client?.send !== 'function') {
      throw new InvalidProjectionError('client', 'expected a DynamoDBClient from @aws-sdk/client-dynamodb');
    }
    const { eventStore } = options;
    if (typeof eventStore?.tableName !== 'string' || typeof eventStore.client?.send !== 'function') {
      throw new InvalidProjectionError('eventStore', 'expected the EventStore of the events table');
    }
    if (
      options.tableName !== undefined &&
      (typeof options.tableName !== 'string' || options.tableName === '')
    ) {
      throw new InvalidProjectionError('tableName', 'expected the name of the read-model table');
    }
    this.tableName = options.tableName ?? `${eventStore.tableName}-read-models`;
    this.#table = new ReadModelTable(options.client, this.tableName);
    this.#eventStore = eventStore;
    this.#observer = observerFor(options, eventStore);
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * The Lambda handler for the events table's DynamoDB Stream (assignable to
   * `DynamoDBStreamHandler`). It applies each event exactly once per (projection, stream), in
   * version order, whatever Lambda delivers (duplicates, reordering, gaps, retried batches), and
   * answers with `batchItemFailures` so that one failing stream never holds back the others.
   * Configure the event source mapping with `FunctionResponseTypes: ['ReportBatchItemFailures']`.
   * One name may appear with several versions (during a blue/green rebuild).
   *
   * @example
   * export const handler: DynamoDBStreamHandler = readModels.streamHandler([accounts, bankTotals]);
   */
  streamHandler(
    projections: readonly Projection[],
    options: StreamHandlerOptions = {},
  ): ProjectionStreamHandler {
    return createStreamHandler({
      projections,
      table: this.#table,
      eventStore: this.#eventStore,
      observer: this.#observer,
      now: this.#now,
      options,
    });
  }

  /**
   * A reader of a projection's documents. It follows the active version (see `versions.switch`;
   * before any switch, `projection.version`), so a rebuild becomes visible when it is switched to,
   * all at once; `{ pinned: true }` reads exactly `projection.version`.
   *
   * @example
   * const account = await readModels.reader<Account>(accounts).get('account-42');
   */
  reader<D = unknown>(
    projection: ProjectionRef,
    options: { readonly pinned?: boolean; readonly pointerTtlMs?: number } = {},
  ): ReadModelReader<D> {
    assertProjectionRef(projection);
    return createReader<D>(this.#table, { name: projection.name, version: projection.version }, options);
  }

  /**
   * Rebuilds a version of a projection's read model from every event of the events table: a
   * parallel `Scan`, per-stream version order, the projection's handlers through the same engine
   * as the live path over an in-memory state, bulk writes with `BatchWriteItem`. The version is
   * registered `building` first: live handlers that run it meanwhile only mark the streams they
   * see, and once it is `ready` those streams are caught up, exactly once. Readers see nothing of
   * it until `versions.switch`. Interrupted (`signal`, a crash), it resumes from its segments'
   * positions with `resume: true`; its segments can run in separate processes (`only`).
   *
   * @throws ProjectionVersionExistsError when the version exists: rebuild into a new version number.
   * @throws RebuildInterruptedError when `signal` aborted it.
   * @example
   * const accountsV2 = defineProjection<BankEvent, Account>({ name: 'accounts', version: 2, handlers });
   * const result = await readModels.rebuild(accountsV2, { segments: 8, onProgress: (p) => console.log(p.events) });
   * await readModels.versions.switch(accountsV2);
   */
  rebuild(projection: Projection, options: RebuildOptions = {}): Promise<RebuildResult> {
    assertProjectionRef(projection);
    const context = {
      table: this.#table,
      eventStore: this.#eventStore,
      observer: this.#observer,
      now: this.#now,
    };
    return rebuild(context, projection, options);
  }

  /**
   * Dead letters: events a projection gave up on. `list` by stream and version (one stream's read
   * strongly consistent; all of a version's from the eventually consistent `deadLetters` index);
   * `replay` applies them again with the fixed projection, exactly once each.
   *
   * @example
   * const open = await readModels.deadLetters.list(accounts);
   * const { replayed, failed } = await readModels.deadLetters.replay(accounts);
   */
  readonly deadLetters = {
    list: (
      projection: ProjectionRef,
      filter: { readonly status?: 'open' | 'replayed' | 'all'; readonly streamId?: string } = {},
    ): Promise<DeadLetter[]> => {
      assertProjectionRef(projection);
      return listDeadLetters(this.#table, projection, filter);
    },
    replay: (projection: Projection, options: { readonly streamId?: string } = {}): Promise<ReplayResult> => {
      assertProjectionRef(projection);
      return replayDeadLetters({
        projection,
        table: this.#table,
        eventStore: this.#eventStore,
        observer: this.#observer,
        now: this.#now,
        ...(options.streamId === undefined ? {} : { streamId: options.streamId }),
      });
    },
  };

  /**
   * The versions of each projection's read model: `prepare` registers one as `building` before its
   * rebuild (deploy the handlers with it, then rebuild: no event appended in between is missed);
   * `switch` points readers at one (refused while it has open dead letters, unless `force`);
   * `list` the registry; `delete` removes an abandoned or old version's items.
   *
   * @example
   * await readModels.versions.prepare(accountsV2);
   * await readModels.versions.switch(accountsV2);
   * await readModels.versions.delete({ name: 'accounts', version: 1 });
   */
  readonly versions = {
    prepare: (projection: ProjectionRef): Promise<void> => {
      assertProjectionRef(projection);
      return prepareVersion(this.#table, projection, this.#now().toISOString());
    },
    switch: (projection: ProjectionRef, options: { readonly force?: boolean } = {}): Promise<void> => {
      assertProjectionRef(projection);
      return switchVersion(this.#table, projection, { ...options, now: this.#now().toISOString() });
    },
    list: (name?: string): Promise<VersionRecord[]> => listVersions(this.#table, name),
    delete: (projection: ProjectionRef): Promise<DeletedVersion> => {
      assertProjectionRef(projection);
      return deleteVersion(this.#table, projection);
    },
  };

  /**
   * Where each projection version is in each stream (a `Scan` of the read-model table).
   *
   * @example
   * const parked = (await readModels.checkpoints.list({ projection: 'accounts' })).filter((c) => c.parkedAt);
   */
  readonly checkpoints = {
    list: (filter: { readonly projection?: string; readonly version?: number } = {}): Promise<Checkpoint[]> =>
      listCheckpoints(this.#table, filter),
  };

  /**
   * Creates the read-model table unless it exists (see `readModelTableDefinition`).
   *
   * @example
   * await readModels.createTable();
   */
  createTable(): Promise<void> {
    return createReadModelTable(this.#table.client, { tableName: this.tableName });
  }
}
