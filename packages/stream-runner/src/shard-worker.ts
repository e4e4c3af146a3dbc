import type { DynamoDBRecord } from 'aws-lambda';
import { type BatchOutcome, batchOutcome } from './batch-outcome.js';
import { type DeliveryPort, deliverBatch, type GivenUpRecords, type RetryPolicy } from './deliver-batch.js';
import { failedBatch } from './failed-batch.js';
import { invokeHandler } from './invoke-handler.js';
import { sequenceNumberOf } from './lambda-record.js';
import type { ResolvedRunnerOptions } from './options.js';
import type { RunnerObserver } from './runner-observer.js';
import type { RunnerCounters } from './runner-stats.js';
import type { ShardInfo } from './shard-lineage.js';
import { ShardReader, type ShardReaderEnv } from './shard-reader.js';
import { backoffMs, pause, type Slots, type Wakeup } from './timing.js';

/** What a {@link ShardWorker} shares with its runner and the other workers. */
export interface ShardWorkerEnv extends ShardReaderEnv {
  readonly options: ResolvedRunnerOptions;
  readonly counters: RunnerCounters;
  readonly observer: RunnerObserver;
  /** Aborted by `stop()`. */
  readonly signal: AbortSignal;
  /** Limits how many shards fetch or deliver at once (`parallelShards`). */
  readonly slots: Slots;
  /** Idle sleeps, cut short by `waitForCaughtUp()`. */
  readonly idle: Wakeup;
  /** The shard returned an empty page (its caught-up epoch moved). */
  progressed(): void;
}

type Step = 'more' | 'empty' | 'ended' | 'stopped' | 'error';

/**
 * Reads one shard to its end (or until stop) and delivers its pages to the handler, one batch at a
 * time, in order. Between pages it releases its slot, so with more shards than `parallelShards` every
 * shard gets its turn instead of the open shards (which never end) holding the slots for good.
 */
export class ShardWorker {
  readonly shard: ShardInfo;
  /** True once the shard was read to its end (or skipped, or vanished). */
  finished = false;
  /** Epoch of the latest `GetRecords` that returned an empty page (see `CaughtUpWaiters`). */
  caughtUpEpoch = -1;
  readonly #env: ShardWorkerEnv;
  readonly #reader: ShardReader;
  readonly #policy: RetryPolicy;
  #idlePolls = 0;
  #errors = 0;

  constructor(shard: ShardInfo, env: ShardWorkerEnv) {
    this.shard = shard;
    this.#env = env;
    this.#reader = new ShardReader(shard, env);
    const { maxRetries, bisectOnError } = env.options;
    this.#policy = { maxRetries, bisectOnError, retryDelayMs: (failures) => this.#backoff(failures) };
  }

  /** Runs until the shard ends or the runner stops; never rejects. */
  async run(): Promise<void> {
    const { signal, slots } = this.#env;
    while (!signal.aborted) {
      if (!(await slots.acquire(signal))) return;
      let step: Step;
      try {
        step = await this.#step();
      } catch (error) {
        this.#env.report(error, { operation: this.#reader.operation, shardId: this.shard.shardId });
        step = 'error';
      } finally {
        slots.release();
      }
      if (step === 'ended') {
        this.finished = true;
        return;
      }
      if (step === 'stopped') return;
      await this.#pauseAfter(step);
    }
  }

  async #step(): Promise<Step> {
    const read = await this.#reader.read();
    if (read.kind === 'gone') return 'ended';
    if (read.kind === 'again') return 'more';
    if (read.records.length > 0) {
      const result = await deliverBatch(read.records, {
        policy: this.#policy,
        port: this.#port(read.records),
      });
      if (result === 'stopped') return 'stopped';
    }
    this.#reader.moveTo(read.next);
    this.#errors = 0;
    if (read.next === undefined) return 'ended';
    if (read.records.length > 0) {
      this.#idlePolls = 0;
      return 'more';
    }
    this.caughtUpEpoch = read.startedEpoch;
    this.#env.progressed();
    // A waitForCaughtUp() call arrived during this read: read again now, it needs a later read.
    if (this.#env.epoch() > read.startedEpoch) return 'more';
    this.#idlePolls += 1;
    return 'empty';
  }

  async #pauseAfter(step: Step): Promise<void> {
    const { options, signal, idle } = this.#env;
    if (step === 'error') {
      this.#errors += 1;
      await pause(this.#backoff(this.#errors), signal);
    } else if (step === 'empty') {
      // An empty page of a closed shard is not its end (DynamoDB said so with a next iterator): no
      // backoff there. An open shard that stays idle is polled less and less often.
      const growth = this.shard.closed ? 1 : 2 ** Math.min(this.#idlePolls - 1, 20);
      await idle.sleep(Math.min(options.maxPollIntervalMs, options.pollIntervalMs * growth), signal);
    }
  }

  #backoff(attempt: number): number {
    const { retryBaseDelayMs: baseMs, maxRetryDelayMs: maxMs } = this.#env.options;
    return backoffMs(attempt, { baseMs, maxMs });
  }

  #port(page: readonly DynamoDBRecord[]): DeliveryPort {
    const { signal, counters } = this.#env;
    let acknowledgedIndex = -1;
    return {
      invoke: (records, redelivery) => this.#invoke(records, redelivery),
      acknowledge: async (record) => {
        const index = page.indexOf(record);
        counters.recordsAcknowledged += index - acknowledgedIndex;
        acknowledgedIndex = index;
        this.#reader.acknowledged(sequenceNumberOf(record));
        return this.#persist(sequenceNumberOf(record));
      },
      deadLetter: (given) => this.#deadLetter(given),
      retrying: (notice) => this.#env.observer.retrying(this.shard.shardId, notice),
      pause: (ms) => pause(ms, signal),
      stopping: () => signal.aborted,
    };
  }

  async #invoke(records: readonly DynamoDBRecord[], redelivery: boolean): Promise<BatchOutcome> {
    const { options, counters, streamArn, observer } = this.#env;
    observer.delivered(records.length);
    counters.invoked(
      records.length,
      redelivery,
      records[records.length - 1]?.dynamodb?.ApproximateCreationDateTime,
    );
    let outcome: BatchOutcome;
    try {
      // A copy per invocation, as Lambda parses a fresh event: a handler changing its event cannot
      // change what a redelivery or the dead letter sees.
      const event = { Records: structuredClone(records) as DynamoDBRecord[] };
      const { handler, functionName, invocationTimeoutMs: timeoutMs } = options;
      outcome = batchOutcome(
        records,
        await invokeHandler({ handler, event, functionName, streamArn, timeoutMs }),
      );
    } catch (error) {
      outcome = { kind: 'failure', error };
    }
    if (outcome.kind !== 'success') counters.failures += 1;
    return outcome;
  }

  /**
   * Calls `attempt` until it succeeds, reporting each failure; after a stop it still makes the first
   * attempt (the in-flight batch's checkpoint is part of a graceful stop) but no retry.
   */
  async #untilDone(operation: string, attempt: () => Promise<void>): Promise<boolean> {
    const { signal } = this.#env;
    for (let failures = 1; ; failures += 1) {
      try {
        await attempt();
        return true;
      } catch (error) {
        this.#env.report(error, { operation, shardId: this.shard.shardId });
        if (!(await pause(this.#backoff(failures), signal))) return false;
      }
    }
  }

  #persist(sequenceNumber: string): Promise<boolean> {
    const key = { streamArn: this.#env.streamArn, shardId: this.shard.shardId };
    return this.#untilDone('CheckpointStore.put', () => this.#env.store.put(key, sequenceNumber));
  }

  async #deadLetter(given: GivenUpRecords): Promise<boolean> {
    const { options, counters, streamArn } = this.#env;
    const records = structuredClone(given.records) as DynamoDBRecord[];
    const batch = failedBatch({ ...given, records, streamArn, shardId: this.shard.shardId });
    this.#env.observer.givenUp(batch);
    const sent = await this.#untilDone('onFailure', async () => options.onFailure(batch));
    if (sent) counters.deadLettered += records.length;
    return sent;
  }
}
