import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { CaughtUpWaiters } from './caught-up.js';
import { type CheckpointStore, InMemoryCheckpointStore } from './checkpoint-store.js';
import { RunnerStateError } from './errors.js';
import {
  type ResolvedRunnerOptions,
  type RunnerErrorContext,
  resolveRunnerOptions,
  type StreamRunnerOptions,
} from './options.js';
import { RunnerObserver } from './runner-observer.js';
import { RunnerCounters, type StreamRunnerStats } from './runner-stats.js';
import { ShardDiscovery } from './shard-discovery.js';
import type { ShardInfo } from './shard-lineage.js';
import { ShardRegistry } from './shard-registry.js';
import { ShardWorker, type ShardWorkerEnv } from './shard-worker.js';
import { StartPositions } from './start-positions.js';
import { listShards, resolveStreamArn, streamsClientLike } from './stream-api.js';
import { Slots, Wakeup } from './timing.js';

type RunnerState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/** Options of {@link StreamRunner.waitForCaughtUp}. */
export interface WaitForCaughtUpOptions {
  /** Reject with `CaughtUpTimeoutError` after this long (default 60,000). */
  readonly timeoutMs?: number;
}

/**
 * Runs a Lambda `DynamoDBStreamHandler` outside Lambda: reads the table's DynamoDB Stream and invokes
 * the handler with Lambda-shaped batches and Lambda's delivery rules (per-shard order, parent shards
 * before children, `batchItemFailures`, bounded retries, optional bisection, a dead letter).
 *
 * @example
 * const runner = new StreamRunner({ client, tableName: 'events', handler, onFailure: saveFailedBatch });
 * await runner.start();
 * await runner.waitForCaughtUp({ timeoutMs: 10_000 });
 * await runner.stop();
 */
export class StreamRunner {
  readonly #options: ResolvedRunnerOptions;
  readonly #store: CheckpointStore;
  readonly #counters = new RunnerCounters();
  readonly #observer: RunnerObserver;
  readonly #abort = new AbortController();
  readonly #idle = new Wakeup();
  readonly #slots: Slots;
  readonly #shards = new ShardRegistry();
  readonly #positions: StartPositions;
  readonly #running = new Set<Promise<void>>();
  readonly #waiters = new CaughtUpWaiters((shardId, epoch) => this.#shards.isCaughtUp(shardId, epoch));
  #state: RunnerState = 'idle';
  #streams: DynamoDBStreamsClient | undefined;
  #streamArn: string | undefined;
  #epoch = 0;
  #starting: Promise<void> | undefined;
  #discovery: ShardDiscovery | undefined;
  #discovering: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  /** @throws {@link InvalidRunnerOptionsError} for a missing or out-of-range option. */
  constructor(options: StreamRunnerOptions) {
    this.#options = resolveRunnerOptions(options);
    this.#store = options.checkpointStore ?? new InMemoryCheckpointStore();
    this.#observer = new RunnerObserver(this.#options.logger, this.#options.metrics);
    this.#slots = new Slots(this.#options.parallelShards);
    this.#positions = new StartPositions(this.#options.startingPosition);
  }

  /** The ARN of the stream being read, once `start()` resolved. */
  get streamArn(): string | undefined {
    return this.#streamArn;
  }

  /**
   * Finds the table's stream and its shards, then reads in the background. Resolves once reading has
   * begun; a runner starts once (create a new one, with a `CheckpointStore`, to run again).
   *
   * @throws {@link StreamNotEnabledError} when the table has no enabled stream.
   * @throws {@link RunnerStateError} when called twice.
   */
  async start(): Promise<void> {
    if (this.#state !== 'idle') {
      throw new RunnerStateError(
        this.#state,
        `start() called on a ${this.#state} StreamRunner; a runner starts once.`,
      );
    }
    this.#state = 'starting';
    const opening = this.#open();
    this.#starting = opening.catch(() => undefined);
    try {
      await opening;
    } catch (error) {
      this.#releaseStreamsClient();
      if (!this.#abort.signal.aborted) this.#state = 'idle';
      throw error;
    }
    if (this.#abort.signal.aborted) return; // stop() came first and finishes the shutdown.
    this.#state = 'running';
    this.#discovery = new ShardDiscovery({
      list: () => listShards(this.#streams!, this.#streamArn!),
      listed: (shards, epoch) => this.#register(shards, epoch),
      intervalMs: this.#options.shardDiscoveryIntervalMs,
      signal: this.#abort.signal,
      epoch: () => this.#epoch,
      report: (error, context) => this.#report(error, context),
    });
    this.#discovering = this.#discovery.run();
    this.#schedule();
  }

  /**
   * Stops gracefully: no new batch starts, an in-flight invocation finishes and is checkpointed, retry
   * pauses end early. Resolves when every shard reader has stopped. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  /**
   * Resolves once every record written before the call has been delivered and acknowledged (or
   * dead-lettered): a shard listing started after the call completed, and each of its shards is read
   * to its end or returned an empty page from a read started after the call.
   *
   * @throws {@link CaughtUpTimeoutError} after `timeoutMs`; {@link RunnerStateError} if not running.
   */
  waitForCaughtUp(options: WaitForCaughtUpOptions = {}): Promise<void> {
    if (this.#state !== 'running') {
      return Promise.reject(
        new RunnerStateError(
          this.#state,
          `waitForCaughtUp() needs a running StreamRunner, not ${this.#state}.`,
        ),
      );
    }
    this.#epoch += 1;
    const waiting = this.#waiters.add(this.#epoch, options.timeoutMs ?? 60_000);
    this.#discovery?.request();
    this.#idle.wakeAll();
    return waiting;
  }

  /** Counters since `start()`: deliveries, failures, retries, dead letters, lag and shards. */
  stats(): StreamRunnerStats {
    return this.#counters.snapshot(this.#shards.counts());
  }

  async #open(): Promise<void> {
    const { client, tableName, streamsClient } = this.#options;
    this.#streamArn = await resolveStreamArn(client, tableName);
    this.#streams = streamsClient ?? streamsClientLike(client);
    const shards = await listShards(this.#streams, this.#streamArn);
    await this.#positions.pin({
      streams: this.#streams,
      streamArn: this.#streamArn,
      store: this.#store,
      shards,
    });
    this.#register(shards, this.#epoch);
  }

  async #shutdown(): Promise<void> {
    this.#state = 'stopping';
    this.#abort.abort();
    this.#waiters.rejectAll(
      new RunnerStateError('stopping', 'The StreamRunner was stopped before it caught up.'),
    );
    await this.#starting;
    await this.#discovering;
    while (this.#running.size > 0) await Promise.all([...this.#running]);
    this.#releaseStreamsClient();
    this.#state = 'stopped';
  }

  #releaseStreamsClient(): void {
    // Only a client the runner made itself; one passed in belongs to the caller.
    if (this.#options.streamsClient === undefined) this.#streams?.destroy();
  }

  #register(shards: readonly ShardInfo[], listingEpoch: number): void {
    this.#shards.update(shards);
    this.#schedule();
    this.#waiters.listed(
      listingEpoch,
      shards.map((shard) => shard.shardId),
    );
  }

  /** Starts a reader for every shard that has none and whose parent is done. */
  #schedule(): void {
    if (this.#state !== 'running') return;
    for (const info of this.#shards.readyToRead()) {
      const worker = new ShardWorker(info, this.#workerEnv());
      this.#shards.attach(info.shardId, worker);
      const context = { shardId: info.shardId };
      const run: Promise<void> = worker
        .run()
        .catch((error: unknown) => this.#report(error, { operation: 'ShardWorker', ...context }))
        .then(() => {
          this.#running.delete(run);
          if (worker.finished) this.#shardEnded(info.shardId);
        })
        .catch((error: unknown) => this.#report(error, { operation: 'schedule', ...context }));
      this.#running.add(run);
    }
  }

  #shardEnded(shardId: string): void {
    this.#shards.finish(shardId);
    // Its children may be known already (read them now) or appear in the next listing (ask for it now).
    this.#schedule();
    this.#discovery?.request();
    this.#waiters.check();
  }

  #report(error: unknown, context: RunnerErrorContext): void {
    this.#counters.errors += 1;
    try {
      this.#options.onError(error, context);
    } catch {
      // An onError that throws must not stop reading.
    }
  }

  #workerEnv(): ShardWorkerEnv {
    return {
      options: this.#options,
      counters: this.#counters,
      observer: this.#observer,
      streams: this.#streams!,
      streamArn: this.#streamArn!,
      store: this.#store,
      batchSize: this.#options.batchSize,
      signal: this.#abort.signal,
      slots: this.#slots,
      idle: this.#idle,
      epoch: () => this.#epoch,
      startWithoutCheckpoint: (shard) => this.#positions.startWithoutCheckpoint(shard),
      takePinnedIterator: (shardId) => this.#positions.takePinnedIterator(shardId),
      report: (error, context) => this.#report(error, context),
      progressed: () => this.#waiters.check(),
    };
  }
}
