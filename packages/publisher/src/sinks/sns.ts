import type { PublishBatchInput, SNSClient } from '@aws-sdk/client-sns';
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
const sdk = () => import('@aws-sdk/client-sns');

/**
 * Options of {@link snsSink}.
 *
 * @example
 * const options: SnsSinkOptions = { client: new SNSClient({}), topicArn };
 */
export interface SnsSinkOptions {
  readonly client: SNSClient;
  readonly topicArn: string;
  /** A FIFO topic (default: the ARN ends in `.fifo`): `MessageGroupId` = stream id, `MessageDeduplicationId` = event id. */
  readonly fifo?: boolean;
}

/** The `PublishBatch` request of messages. Pure. */
export function publishBatchInput(
  options: { topicArn: string; fifo: boolean },
  messages: readonly OutgoingMessage[],
): PublishBatchInput {
  return {
    TopicArn: options.topicArn,
    PublishBatchRequestEntries: messages.map((message, index) => ({
      Id: entryId(index),
      Message: message.body,
      MessageAttributes: typeAttribute(message),
      ...(options.fifo ? fifoFields(message) : {}),
    })),
  };
}

/**
 * An SNS sink (`PublishBatch`). IAM: `sns:Publish` on the topic.
 *
 * @example
 * const sink = snsSink({ client: new SNSClient({}), topicArn: 'arn:aws:sns:eu-west-1:123456789012:bank.fifo' });
 */
export function snsSink(options: SnsSinkOptions): Sink {
  if (typeof options?.client?.send !== 'function') {
    throw new InvalidPublicationError('sink.client', 'expected an SNSClient from @aws-sdk/client-sns');
  }
  if (typeof options.topicArn !== 'string' || !options.topicArn.startsWith('arn:')) {
    throw new InvalidPublicationError(
      'sink.topicArn',
      `expected a topic ARN, got ${JSON.stringify(options.topicArn)}`,
    );
  }
  const target = { topicArn: options.topicArn, fifo: options.fifo ?? options.topicArn.endsWith('.fifo') };
  return {
    name: `sns:${options.topicArn}`,
    limits: MESSAGE_BATCH_LIMITS,
    entryBytes: batchEntryBytes,
    send: async (messages) =>
      batchFailures(
        messages,
        await options.client.send(new (await sdk()).PublishBatchCommand(publishBatchInput(target, messages))),
      ),
  };
}
