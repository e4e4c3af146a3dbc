import type { KinesisClient, PutRecordsInput, PutRecordsOutput } from '@aws-sdk/client-kinesis';
import { InvalidPublicationError } from '../errors.js';
import { boundedKey } from './keys.js';
import { type EntryFailure, type OutgoingMessage, type Sink, type SinkLimits, utf8Bytes } from './sink.js';

/**
 * The SDK's commands, loaded on first use: the client is an optional peer dependency, so
 * importing `@dynamo-es/publisher` must not need it unless this sink is used.
 */
const sdk = () => import('@aws-sdk/client-kinesis');

/** Kinesis Data Streams `PutRecords`: 500 records, 1 MiB per record (data + partition key), 5 MiB per call. */
export const KINESIS_LIMITS: SinkLimits = {
  maxEntries: 500,
  maxRequestBytes: 5 * 1024 * 1024,
  maxEntryBytes: 1024 * 1024,
};

const MAX_PARTITION_KEY = 256;

/**
 * Options of {@link kinesisSink}.
 *
 * @example
 * const options: KinesisSinkOptions = { client: new KinesisClient({}), streamName: 'bank-public' };
 */
export interface KinesisSinkOptions {
  readonly client: KinesisClient;
  /** The data stream's name, or give `streamARN`. */
  readonly streamName?: string;
  readonly streamARN?: string;
}

/** The `PutRecords` request of messages: partition key = stream id (per-stream order on one shard). Pure. */
export function putRecordsInput(
  target: { streamName?: string; streamARN?: string },
  messages: readonly OutgoingMessage[],
): PutRecordsInput {
  return {
    ...(target.streamARN ? { StreamARN: target.streamARN } : { StreamName: target.streamName }),
    Records: messages.map((message) => ({
      Data: Buffer.from(message.body, 'utf8'),
      PartitionKey: boundedKey(message.streamId, MAX_PARTITION_KEY),
    })),
  };
}

/** The records a `PutRecords` response rejected (`ErrorCode` on the record at the same index). Pure. */
export function putRecordsFailures(
  messages: readonly OutgoingMessage[],
  output: PutRecordsOutput,
): EntryFailure[] {
  const records = output.Records ?? [];
  const failures: EntryFailure[] = [];
  messages.forEach((message, index) => {
    const record = records[index];
    if (!record)
      failures.push({ id: message.id, code: 'MissingFromResponse', message: 'no record at this index' });
    else if (record.ErrorCode || !record.SequenceNumber) {
      failures.push({
        id: message.id,
        code: record.ErrorCode ?? 'Unknown',
        message: record.ErrorMessage ?? '',
      });
    }
  });
  return failures;
}

/**
 * A Kinesis Data Streams sink (`PutRecords`, partition key = stream id). Against kinesalite, give
 * the client `requestHandler: new NodeHttpHandler()` (the Kinesis client defaults to HTTP/2).
 * IAM: `kinesis:PutRecords` on the stream.
 *
 * @example
 * const sink = kinesisSink({ client: new KinesisClient({}), streamName: 'bank-public' });
 */
export function kinesisSink(options: KinesisSinkOptions): Sink {
  if (typeof options?.client?.send !== 'function') {
    throw new InvalidPublicationError('sink.client', 'expected a KinesisClient from @aws-sdk/client-kinesis');
  }
  const { streamName, streamARN } = options;
  if (
    (typeof streamName !== 'string' || streamName === '') &&
    (typeof streamARN !== 'string' || streamARN === '')
  ) {
    throw new InvalidPublicationError('sink.streamName', 'expected the data stream name (or streamARN)');
  }
  const target = { ...(streamName ? { streamName } : {}), ...(streamARN ? { streamARN } : {}) };
  return {
    name: `kinesis:${streamName ?? streamARN}`,
    limits: KINESIS_LIMITS,
    entryBytes: (message) =>
      utf8Bytes(message.body) + utf8Bytes(boundedKey(message.streamId, MAX_PARTITION_KEY)),
    send: async (messages) =>
      putRecordsFailures(
        messages,
        await options.client.send(new (await sdk()).PutRecordsCommand(putRecordsInput(target, messages))),
      ),
  };
}
