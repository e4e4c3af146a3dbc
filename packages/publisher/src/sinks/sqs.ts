import type { SendMessageBatchRequest, SQSClient } from '@aws-sdk/client-sqs';
import { InvalidPublicationError } from '../errors.js';
import {
  batchEntryBytes,
  batchFailures,
  entryId,
  fifoFields,
  MESSAGE_BATCH_LIMITS,
  typeAttribute,
} from './batch-entries.js';
import type { OutgoingMessage, Sink } from './sink.js';

/**
 * The SDK's commands, loaded on first use: the client is an optional peer dependency, so
 * importing `@dynamo-es/publisher` must not need it unless this sink is used.
 */
const sdk = () => import('@aws-sdk/client-sqs');

/**
 * Options of {@link sqsSink}.
 *
 * @example
 * const options: SqsSinkOptions = { client: new SQSClient({}), queueUrl };
 */
export interface SqsSinkOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /** A FIFO queue (default: the URL ends in `.fifo`): `MessageGroupId` = stream id, `MessageDeduplicationId` = event id. */
  readonly fifo?: boolean;
}

/** The `SendMessageBatch` request of messages. Pure. */
export function sendMessageBatchInput(
  options: { queueUrl: string; fifo: boolean },
  messages: readonly OutgoingMessage[],
): SendMessageBatchRequest {
  return {
    QueueUrl: options.queueUrl,
    Entries: messages.map((message, index) => ({
      Id: entryId(index),
      MessageBody: message.body,
      MessageAttributes: typeAttribute(message),
      ...(options.fifo ? fifoFields(message) : {}),
    })),
  };
}

/**
 * An SQS sink (`SendMessageBatch`). IAM: `sqs:SendMessage` on the queue.
 *
 * @example
 * const sink = sqsSink({ client: new SQSClient({}), queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/bank.fifo' });
 */
export function sqsSink(options: SqsSinkOptions): Sink {
  if (typeof options?.client?.send !== 'function') {
    throw new InvalidPublicationError('sink.client', 'expected an SQSClient from @aws-sdk/client-sqs');
  }
  if (typeof options.queueUrl !== 'string' || !/^https?:\/\//.test(options.queueUrl)) {
    throw new InvalidPublicationError(
      'sink.queueUrl',
      `expected a queue URL, got ${JSON.stringify(options.queueUrl)}`,
    );
  }
  const target = { queueUrl: options.queueUrl, fifo: options.fifo ?? options.queueUrl.endsWith('.fifo') };
  return {
    name: `sqs:${options.queueUrl}`,
    limits: MESSAGE_BATCH_LIMITS,
    entryBytes: batchEntryBytes,
    send: async (messages) =>
      batchFailures(
        messages,
        await options.client.send(
          new (await sdk()).SendMessageBatchCommand(sendMessageBatchInput(target, messages)),
        ),
      ),
  };
}
