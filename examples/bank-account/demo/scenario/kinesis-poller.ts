import {
  type _Record,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/** A Lambda handler for a Kinesis event source mapping with `ReportBatchItemFailures`. */
export type KinesisHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

export interface KinesisPollerOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly handler: KinesisHandler;
  /** Records per invocation (the mapping's `BatchSize`). */
  readonly batchSize?: number;
  /** Every n-th batch is delivered a second time, as Lambda does when an invocation's answer is lost. */
  readonly redeliverEvery?: number;
  readonly pollIntervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

/** What the poller delivered. */
export interface KinesisPollerStats {
  /** Records handed to the handler, copies included. */
  delivered: number;
  /** Records delivered again on purpose (a whole batch, after it succeeded). */
  redelivered: number;
  /** Records the handler reported failed (read again from the first of them). */
  failed: number;
  invocations: number;
}

/**
 * A small local stand-in for Lambda's Kinesis event source mapping: one loop per shard reads
 * `GetRecords` from the trim horizon and invokes the handler with a `KinesisStreamEvent`; when
 * the handler reports failures, the shard is read again from the first failed sequence number
 * (what `ReportBatchItemFailures` does); every `redeliverEvery`-th batch is delivered twice.
 */
export class KinesisPoller {
  readonly #options: KinesisPollerOptions;
  readonly #stats: KinesisPollerStats = { delivered: 0, redelivered: 0, failed: 0, invocations: 0 };
  /** Per shard: when it last read an empty page with nothing in flight. */
  readonly #idleAt = new Map<string, number>();
  #running = false;
  #loops: Promise<void>[] = [];
  #batches = 0;

  constructor(options: KinesisPollerOptions) {
    this.#options = options;
  }

  stats(): KinesisPollerStats {
    return { ...this.#stats };
  }

  async start(): Promise<void> {
    const { Shards = [] } = await this.#options.client.send(
      new ListShardsCommand({ StreamName: this.#options.streamName }),
    );
    this.#running = true;
    this.#loops = Shards.map((shard) => this.#poll(shard.ShardId ?? ''));
  }

  /** Resolves once every shard read an empty page after `since` (default: now). */
  async waitForCaughtUp(options: { since?: number; timeoutMs: number }): Promise<void> {
    const since = options.since ?? Date.now();
    const deadline = Date.now() + options.timeoutMs;
    while ([...this.#idleAt.values()].some((at) => at <= since)) {
      if (Date.now() > deadline)
        throw new Error(`Kinesis poller not caught up within ${options.timeoutMs} ms`);
      await sleep(20);
    }
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }

  async #poll(shardId: string): Promise<void> {
    const { client } = this.#options;
    this.#idleAt.set(shardId, 0);
    let iterator = await this.#iterator(shardId, { ShardIteratorType: 'TRIM_HORIZON' });
    while (this.#running && iterator) {
      try {
        const page = await client.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: this.#options.batchSize ?? 100 }),
        );
        const records = page.Records ?? [];
        if (records.length === 0) {
          this.#idleAt.set(shardId, Date.now());
          iterator = page.NextShardIterator;
          await sleep(this.#options.pollIntervalMs ?? 50);
          continue;
        }
        const failedAt = await this.#deliver(shardId, records);
        iterator =
          failedAt === undefined
            ? page.NextShardIterator
            : await this.#iterator(shardId, {
                ShardIteratorType: 'AT_SEQUENCE_NUMBER',
                StartingSequenceNumber: failedAt,
              });
        if (failedAt !== undefined) await sleep(this.#options.pollIntervalMs ?? 50);
      } catch (error) {
        this.#options.onError?.(error);
        await sleep(200);
      }
    }
  }

  /** Invokes the handler (twice for every n-th batch); the first failed sequence number, if any. */
  async #deliver(shardId: string, records: readonly _Record[]): Promise<string | undefined> {
    const event: KinesisStreamEvent = {
      Records: records.map((r) => toLambdaRecord(this.#options.streamName, shardId, r)),
    };
    const twice =
      (this.#options.redeliverEvery ?? 0) > 0 && ++this.#batches % (this.#options.redeliverEvery ?? 1) === 0;
    let failures = await this.#invoke(event);
    if (failures.length === 0 && twice) {
      this.#stats.redelivered += records.length;
      failures = await this.#invoke(event);
    }
    this.#stats.failed += failures.length;
    // Sequence numbers of one shard grow; compared as numbers (they are longer than 2^53).
    return failures.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))[0];
  }

  async #invoke(event: KinesisStreamEvent): Promise<string[]> {
    this.#stats.invocations++;
    this.#stats.delivered += event.Records.length;
    const response = await this.#options.handler(event);
    return (response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier);
  }

  async #iterator(
    shardId: string,
    position: { ShardIteratorType: 'TRIM_HORIZON' | 'AT_SEQUENCE_NUMBER'; StartingSequenceNumber?: string },
  ): Promise<string | undefined> {
    const { ShardIterator } = await this.#options.client.send(
      new GetShardIteratorCommand({ StreamName: this.#options.streamName, ShardId: shardId, ...position }),
    );
    return ShardIterator;
  }
}

/** A record as Lambda's Kinesis event source mapping hands it to a function. */
function toLambdaRecord(streamName: string, shardId: string, record: _Record): KinesisStreamRecord {
  const sequenceNumber = record.SequenceNumber ?? '';
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey ?? '',
      sequenceNumber,
      data: Buffer.from(record.Data ?? []).toString('base64'),
      approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/local',
    awsRegion: 'local',
    eventSourceARN: `arn:aws:kinesis:local:000000000000:stream/${streamName}`,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
