import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { type Logger, silentLogger } from '@dynamo-es/event-store';
import type { Projection, ProjectionRef, ReadModelReader } from '@dynamo-es/projections';
import { createReader, DEFAULT_RULES, ReadModelTable } from '@dynamo-es/projections/internal';
import type {
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  SNSEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { InvalidPublicationError } from '../errors.js';
import { type ConsumeConfig, type ConsumeStats, consume } from './consume.js';

/**
 * What {@link MessageConsumer} is configured with.
 *
 * @example
 * const options: MessageConsumerOptions = { client, tableName: 'fraud-watch-read-models', projections: [suspicious] };
 */
export interface MessageConsumerOptions {
  /** Client of the consumer's read-model table (created with `createReadModelTable`). */
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Projections over messages (`defineProjection` keyed by the public message types). */
  readonly projections: readonly Projection[];
  /** Resolves claim-checked messages (one `GetObject` each). */
  readonly claimCheck?: { readonly client: S3Client };
  /** Failed attempts on one message before it is dead-lettered (default 5). */
  readonly maxAttempts?: number;
  readonly logger?: Logger;
  readonly now?: () => Date;
  /** Called with each batch's counts. */
  readonly onConsumed?: (stats: ConsumeStats) => void;
}

/**
 * The consumer side of a publication, in another service: Lambda handlers for SQS, SNS and
 * Kinesis events that apply messages to projections exactly once per (projection, source stream),
 * in the source stream's order (each message names its predecessor), whatever the transport
 * delivers: duplicates are suppressed by message id, a message ahead of its predecessor is
 * delivered again later. Read the read models with `ReadModels` on the same table.
 *
 * @example
 * const consumer = new MessageConsumer({ client, tableName: 'fraud-watch-read-models', projections: [suspicious] });
 * export const handler = consumer.sqsHandler();
 */
export class MessageConsumer {
  readonly #config: ConsumeConfig;
  readonly #onConsumed: ((stats: ConsumeStats) => void) | undefined;

  constructor(options: MessageConsumerOptions) {
    if (typeof options?.client?.send !== 'function') {
      throw new InvalidPublicationError('client', 'expected a DynamoDBClient from @aws-sdk/client-dynamodb');
    }
    if (typeof options.tableName !== 'string' || options.tableName === '') {
      throw new InvalidPublicationError('tableName', 'expected the name of the read-model table');
    }
    const { projections } = options;
    if (
      !Array.isArray(projections) ||
      projections.length === 0 ||
      projections.some((p) => typeof p?.apply !== 'function')
    ) {
      throw new InvalidPublicationError(
        'projections',
        'expected at least one projection from defineProjection()',
      );
    }
    const ids = projections.map((p) => `${p.name}#${p.version}`);
    const twice = ids.find((id, index) => ids.indexOf(id) !== index);
    if (twice) throw new InvalidPublicationError('projections', `"${twice}" appears twice`);
    const maxAttempts = options.maxAttempts ?? DEFAULT_RULES.maxAttempts;
    if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
      throw new InvalidPublicationError(
        'maxAttempts',
        `expected a positive integer, got ${String(maxAttempts)}`,
      );
    }
    if (options.claimCheck !== undefined && typeof options.claimCheck?.client?.send !== 'function') {
      throw new InvalidPublicationError('claimCheck.client', 'expected an S3Client from @aws-sdk/client-s3');
    }
    this.#config = {
      client: options.client,
      tableName: options.tableName,
      projections,
      rules: { maxAttempts, checkpointInterval: 1 },
      claimCheck: options.claimCheck,
      logger: options.logger ?? silentLogger,
      now: options.now ?? (() => new Date()),
    };
    this.#onConsumed = options.onConsumed;
  }

  /**
   * For an SQS event source mapping with `FunctionResponseTypes: ['ReportBatchItemFailures']`
   * (a standard or FIFO queue; bodies from an SNS subscription are unwrapped).
   *
   * @example
   * export const handler: SQSHandler = consumer.sqsHandler();
   */
  sqsHandler(): (event: SQSEvent, context?: unknown) => Promise<SQSBatchResponse> {
    return async (event) => {
      const records = Array.isArray(event?.Records) ? event.Records : [];
      const failed = await this.#consume(
        records.map((record) => ({ itemId: record.messageId, body: record.body })),
      );
      return {
        batchItemFailures: records
          .filter((r) => failed.has(r.messageId))
          .map((r) => ({ itemIdentifier: r.messageId })),
      };
    };
  }

  /**
   * For a Kinesis event source mapping with `FunctionResponseTypes: ['ReportBatchItemFailures']`.
   *
   * @example
   * export const handler: KinesisStreamHandler = consumer.kinesisHandler();
   */
  kinesisHandler(): (event: KinesisStreamEvent, context?: unknown) => Promise<KinesisStreamBatchResponse> {
    return async (event) => {
      const records = Array.isArray(event?.Records) ? event.Records : [];
      const failed = await this.#consume(
        records.map((record) => ({
          itemId: record.kinesis.sequenceNumber,
          body: Buffer.from(record.kinesis.data, 'base64').toString('utf8'),
        })),
      );
      const failures = records.filter((r) => failed.has(r.kinesis.sequenceNumber));
      return { batchItemFailures: failures.map((r) => ({ itemIdentifier: r.kinesis.sequenceNumber })) };
    };
  }

  /**
   * For an SNS subscription (asynchronous invocation): throws when a message must be delivered
   * again, so that Lambda retries it (then its on-failure destination).
   *
   * @example
   * export const handler: SNSHandler = consumer.snsHandler();
   */
  snsHandler(): (event: SNSEvent, context?: unknown) => Promise<void> {
    return async (event) => {
      const records = Array.isArray(event?.Records) ? event.Records : [];
      const failed = await this.#consume(
        records.map((record) => ({ itemId: record.Sns.MessageId, body: record.Sns.Message })),
      );
      if (failed.size > 0)
        throw new Error(`${failed.size} of ${records.length} messages must be delivered again`);
    };
  }

  /**
   * A reader of one of the consumer's projections, on its table (strongly consistent `get`, and
   * `list` for tests and tools): the subscribing service reads its read models without an event
   * store of the publishing service.
   *
   * @example
   * const watched = await consumer.reader<Watch>(suspicious).get('account-42');
   */
  reader<D = unknown>(projection: ProjectionRef): ReadModelReader<D> {
    if (
      !this.#config.projections.some((p) => p.name === projection?.name && p.version === projection.version)
    ) {
      throw new InvalidPublicationError(
        'projection',
        `expected one of the consumer's projections, got ${String(projection?.name)}`,
      );
    }
    return createReader<D>(new ReadModelTable(this.#config.client, this.#config.tableName), projection, {
      pinned: true,
    });
  }

  async #consume(messages: readonly { itemId: string; body: string }[]): Promise<ReadonlySet<string>> {
    if (messages.length === 0) return new Set();
    const { failedItemIds, stats } = await consume(this.#config, messages);
    try {
      this.#onConsumed?.(stats);
    } catch {
      // A reporting hook never fails a batch.
    }
    return failedItemIds;
  }
}
