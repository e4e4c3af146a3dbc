import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Logger } from '@dynamo-es/event-store';
import {
  createKinesisClient,
  createKinesisStream,
  type Kinesalite,
  startKinesalite,
} from '@dynamo-es/local/kinesis';
import { type DeliveryStats, kinesisSink } from '@dynamo-es/publisher';
import type { BankTables } from '../../src/app/tables.js';
import {
  createFraudWatch,
  createFraudWatchTable,
  type FraudWatch,
} from '../../src/fraud-watch/fraud-watch.js';
import { bankPublication, createBankPublisher } from '../../src/publication/bank-publication.js';
import { KinesisPoller, type KinesisPollerStats } from './kinesis-poller.js';
import { localStreamRunner } from './local-stream.js';

/** The bank's publication and fraud-watch, running locally, with what they counted. */
export interface LocalPublication {
  readonly fraudWatch: FraudWatch;
  readonly fraudWatchTable: string;
  readonly streamName: string;
  /**
   * Starts fraud-watch's consumer: it reads the Kinesis stream from its trim horizon, so a
   * consumer started late (after the workload, as `npm start` does) still gets every message.
   */
  startConsumer(): Promise<void>;
  /** Waits until every event of the events table so far was published and consumed (starting the consumer if need be). */
  waitForCaughtUp(timeoutMs: number): Promise<void>;
  stats(): PublicationStats;
  logs(): readonly string[];
  stop(): Promise<void>;
}

export interface PublicationStats {
  /** Messages Kinesis accepted from the publisher (re-sends included). */
  readonly published: number;
  readonly publisherRequests: number;
  /** Messages fraud-watch applied, duplicates it suppressed, and messages it reported failed. */
  readonly applied: number;
  readonly duplicates: number;
  readonly failed: number;
  readonly poller: KinesisPollerStats;
}

/**
 * Service 1 to service 2, locally: the publisher's handler driven by `StreamRunner` from the
 * events table's stream into a Kinesis stream on kinesalite (from the start); fraud-watch's
 * Kinesis handler fed from it by {@link KinesisPoller}, which delivers every `redeliverEvery`-th
 * batch twice, once `startConsumer` (or `waitForCaughtUp`) is called.
 */
export async function startLocalPublication(
  client: DynamoDBClient,
  tables: BankTables,
  options: { readonly redeliverEvery?: number } = {},
): Promise<LocalPublication> {
  const logs: string[] = [];
  const keep = (level: string) => (message: string, details?: Record<string, unknown>) => {
    logs.push(`${level} ${message} ${JSON.stringify(details ?? {})}`);
  };
  const logger: Logger = { debug: () => {}, info: () => {}, warn: keep('WARN'), error: keep('ERROR') };
  const kinesalite: Kinesalite = await startKinesalite();
  const kinesis: KinesisClient = await createKinesisClient(kinesalite.endpoint);
  const streamName = `${tables.events}-public`;
  const fraudWatchTable = `${tables.events.replace(/-events$/, '')}-fraud-watch`;
  await Promise.all([
    createKinesisStream(kinesis, streamName, 1),
    createFraudWatchTable(client, fraudWatchTable),
  ]);
  const counts = { published: 0, publisherRequests: 0, applied: 0, duplicates: 0, failed: 0 };
  const onDelivered = (stats: DeliveryStats) => {
    counts.published += stats.published;
    counts.publisherRequests += stats.requests;
  };
  const publisher = createBankPublisher({
    client,
    tables,
    logger,
    sink: kinesisSink({ client: kinesis, streamName }),
  });
  const runner = localStreamRunner({
    client,
    tableName: tables.events,
    handler: publisher.streamHandler(bankPublication, { onDelivered }),
    name: 'publication',
    logs,
    // Larger, less frequent batches than the projections': fewer, fuller PutRecords calls.
    batchSize: 1000,
    pollIntervalMs: 500,
    maxPollIntervalMs: 1000,
  });
  const fraudWatch = createFraudWatch({
    client,
    tableName: fraudWatchTable,
    logger,
    onConsumed: (stats) => {
      counts.applied += stats.applied;
      counts.duplicates += stats.duplicates;
      counts.failed += stats.failed;
    },
  });
  const poller = new KinesisPoller({
    client: kinesis,
    streamName,
    handler: fraudWatch.consumer.kinesisHandler(),
    redeliverEvery: options.redeliverEvery ?? 3,
    onError: (error) => logs.push(`WARN fraud-watch poller: ${String(error)}`),
  });
  await runner.start();
  let consuming: Promise<void> | undefined;
  const startConsumer = () => {
    consuming ??= poller.start();
    return consuming;
  };
  return {
    fraudWatch,
    fraudWatchTable,
    streamName,
    startConsumer,
    waitForCaughtUp: async (timeoutMs) => {
      await runner.waitForCaughtUp({ timeoutMs });
      await startConsumer();
      await poller.waitForCaughtUp({ timeoutMs });
    },
    stats: () => ({ ...counts, poller: poller.stats() }),
    logs: () => logs,
    stop: async () => {
      await Promise.allSettled([runner.stop(), consuming?.then(() => poller.stop())]);
      kinesis.destroy();
      await kinesalite.stop();
    },
  };
}
