import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  EVENTBRIDGE_LIMITS,
  eventBridgeSink,
  isInvalidPublicationError,
  isMessageTooLargeError,
  isSinkRejectedError,
  KINESIS_LIMITS,
  kinesisSink,
  type Sink,
  snsSink,
  sqsSink,
} from '../src/index.js';
import { planBatches } from '../src/sinks/batches.js';
import { sendAll } from '../src/sinks/send-all.js';
import { message } from './support/messages.js';

// EventBridge, SNS and SQS have no emulator here: their request shapes, limits and partial
// failures are tested at the SDK level, the client's transport replaced by aws-sdk-client-mock.
const config = { region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
const FAST = { maxAttempts: 3, baseMs: 0, capMs: 0 };
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/bank.fifo';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:bank.fifo';

describe('request shapes', () => {
  it('Kinesis: one record per message, partition key = stream id, data = the envelope', async () => {
    const client = new KinesisClient(config);
    const mock = mockClient(client)
      .on(PutRecordsCommand)
      .resolves({ Records: [{ SequenceNumber: '1', ShardId: 's' }] });
    const sink = kinesisSink({ client, streamName: 'bank' });
    expect(await sink.send([message(1, { streamId: 'account-7' })])).toEqual([]);
    const input = mock.commandCalls(PutRecordsCommand)[0]?.args[0].input;
    expect(input?.StreamName).toBe('bank');
    expect(input?.Records?.[0]?.PartitionKey).toBe('account-7');
    expect(Buffer.from(input?.Records?.[0]?.Data ?? []).toString()).toBe(message(1).body);
  });

  it('Kinesis: a stream id over 256 characters becomes a stable hashed partition key', async () => {
    const client = new KinesisClient(config);
    const mock = mockClient(client)
      .on(PutRecordsCommand)
      .resolves({ Records: [{ SequenceNumber: '1' }, { SequenceNumber: '2' }] });
    const long = 'a'.repeat(300);
    await kinesisSink({ client, streamName: 'bank' }).send([
      message(1, { streamId: long }),
      message(2, { streamId: long }),
    ]);
    const keys = mock
      .commandCalls(PutRecordsCommand)[0]
      ?.args[0].input.Records?.map((record) => record.PartitionKey);
    expect(keys?.[0]).toMatch(/^h:[0-9a-f]{64}$/);
    expect(keys?.[1]).toBe(keys?.[0]);
  });

  it('EventBridge: DetailType = message type, Detail = the envelope, Source = the publication', async () => {
    const client = new EventBridgeClient(config);
    const mock = mockClient(client)
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
    await eventBridgeSink({ client, eventBusName: 'bank' }).send([message(1)]);
    expect(mock.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries).toEqual([
      {
        EventBusName: 'bank',
        Source: 'bank-public',
        DetailType: 'bank.MoneyDeposited',
        Detail: message(1).body,
      },
    ]);
  });

  it('SNS FIFO: MessageGroupId = stream id, MessageDeduplicationId = event id, a type attribute', async () => {
    const client = new SNSClient(config);
    const mock = mockClient(client)
      .on(PublishBatchCommand)
      .resolves({ Successful: [{ Id: 'm0' }] });
    await snsSink({ client, topicArn: TOPIC }).send([message(1, { streamId: 'account-7' })]);
    expect(mock.commandCalls(PublishBatchCommand)[0]?.args[0].input).toEqual({
      TopicArn: TOPIC,
      PublishBatchRequestEntries: [
        {
          Id: 'm0',
          Message: message(1).body,
          MessageAttributes: { type: { DataType: 'String', StringValue: 'bank.MoneyDeposited' } },
          MessageGroupId: 'account-7',
          MessageDeduplicationId: message(1).id,
        },
      ],
    });
  });

  it('SQS FIFO likewise; a standard queue gets neither group nor de-duplication id', async () => {
    const client = new SQSClient(config);
    const mock = mockClient(client)
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [{ Id: 'm0' } as never] });
    await sqsSink({ client, queueUrl: QUEUE }).send([message(1, { streamId: 'account-7' })]);
    await sqsSink({ client, queueUrl: QUEUE.replace('.fifo', '') }).send([message(1)]);
    const [fifo, standard] = mock
      .commandCalls(SendMessageBatchCommand)
      .map((call) => call.args[0].input.Entries?.[0]);
    expect(fifo).toMatchObject({
      Id: 'm0',
      MessageBody: message(1).body,
      MessageGroupId: 'account-7',
      MessageDeduplicationId: message(1).id,
    });
    expect(standard).not.toHaveProperty('MessageGroupId');
    expect(standard).not.toHaveProperty('MessageDeduplicationId');
  });

  it.each([
    [() => kinesisSink({ client: {} as never, streamName: 'x' }), 'sink.client'],
    [() => kinesisSink({ client: new KinesisClient(config) }), 'sink.streamName'],
    [() => eventBridgeSink({ client: new EventBridgeClient(config), eventBusName: '' }), 'sink.eventBusName'],
    [() => snsSink({ client: new SNSClient(config), topicArn: 'bank' }), 'sink.topicArn'],
    [() => sqsSink({ client: new SQSClient(config), queueUrl: 'bank' }), 'sink.queueUrl'],
  ])('refuses a sink without its client or target (%#)', (create, field) => {
    let caught: unknown;
    try {
      create();
    } catch (error) {
      caught = error;
    }
    expect(isInvalidPublicationError(caught)).toBe(true);
    expect(caught).toMatchObject({ field });
  });
});

/** A sink with the limits of `limits` counting body bytes only, that accepts everything. */
const limitsOnly = (limits: Sink['limits']): Sink => ({
  name: 'test',
  limits,
  entryBytes: (m) => Buffer.byteLength(m.body),
  send: async () => [],
});

describe('batching limits, at the boundary', () => {
  const sqs = sqsSink({ client: new SQSClient(config), queueUrl: QUEUE });
  const entryOverhead = sqs.entryBytes(message(0, { bodyBytes: 0 }));

  it('SNS/SQS: 10 entries fit one request, 11 take two', () => {
    const ten = Array.from({ length: 10 }, (_, i) => message(i));
    expect(planBatches(sqs, ten).map((batch) => batch.length)).toEqual([10]);
    expect(planBatches(sqs, [...ten, message(10)]).map((batch) => batch.length)).toEqual([10, 1]);
  });

  it('SNS/SQS: entries of exactly 256 KB in all fit one request; one byte more takes two', () => {
    const half = 128 * 1024 - entryOverhead;
    const exact = [message(1, { bodyBytes: half }), message(2, { bodyBytes: half })];
    expect(sqs.entryBytes(exact[0]!) + sqs.entryBytes(exact[1]!)).toBe(256 * 1024);
    expect(planBatches(sqs, exact)).toHaveLength(1);
    expect(planBatches(sqs, [exact[0]!, message(2, { bodyBytes: half + 1 })])).toHaveLength(2);
  });

  it('SNS/SQS: an entry of exactly 256 KB is sent alone; one byte more is refused as too large', () => {
    const max = 256 * 1024 - entryOverhead;
    expect(planBatches(sqs, [message(1, { bodyBytes: max })])).toHaveLength(1);
    let caught: unknown;
    try {
      planBatches(sqs, [message(1, { bodyBytes: max + 1 })]);
    } catch (error) {
      caught = error;
    }
    expect(isMessageTooLargeError(caught)).toBe(true);
    expect(caught).toMatchObject({ sizeBytes: 256 * 1024 + 1, limitBytes: 256 * 1024 });
  });

  it('EventBridge: Source + DetailType + Detail counted; 256 KB in all fit one call, one byte more takes two', () => {
    const sink = eventBridgeSink({ client: new EventBridgeClient(config), eventBusName: 'bank' });
    const overhead = sink.entryBytes(message(0, { bodyBytes: 0 }));
    expect(overhead).toBe('bank-public'.length + 'bank.MoneyDeposited'.length);
    const quarter = 64 * 1024 - overhead;
    const four = [1, 2, 3, 4].map((i) => message(i, { bodyBytes: quarter }));
    expect(planBatches(sink, four)).toHaveLength(1);
    expect(planBatches(sink, [...four.slice(0, 3), message(4, { bodyBytes: quarter + 1 })])).toHaveLength(2);
    expect(EVENTBRIDGE_LIMITS.maxEntries).toBe(10);
  });

  it('Kinesis: 500 records fit one call, 501 take two; 5 MiB in all fit, one byte more takes two', () => {
    const sink = kinesisSink({ client: new KinesisClient(config), streamName: 'bank' });
    const many = Array.from({ length: 501 }, (_, i) => message(i));
    expect(planBatches(sink, many.slice(0, 500))).toHaveLength(1);
    expect(planBatches(sink, many).map((batch) => batch.length)).toEqual([500, 1]);
    const key = 'account-1'.length;
    const fifth = 1024 * 1024 - key;
    const five = [1, 2, 3, 4, 5].map((i) => message(i, { bodyBytes: fifth, streamId: 'account-1' }));
    expect(five.reduce((sum, m) => sum + sink.entryBytes(m), 0)).toBe(KINESIS_LIMITS.maxRequestBytes);
    expect(planBatches(sink, five)).toHaveLength(1);
    const over = [
      ...five.slice(0, 4),
      message(5, { bodyBytes: fifth - 1, streamId: 'account-1' }),
      message(6, { bodyBytes: 1 }),
    ];
    expect(planBatches(sink, over)).toHaveLength(2);
    expect(() => planBatches(sink, [message(1, { bodyBytes: fifth + 1, streamId: 'account-1' })])).toThrow(
      /over the 1048576 bytes/,
    );
  });

  it('keeps the order of messages across requests', () => {
    const sink = limitsOnly({ maxEntries: 3, maxRequestBytes: 1_000, maxEntryBytes: 1_000 });
    const all = Array.from({ length: 8 }, (_, i) => message(i));
    expect(planBatches(sink, all).flat()).toEqual(all);
  });
});

describe('partial failures', () => {
  it('EventBridge: retries only the failed entries, never re-sends an accepted one', async () => {
    const client = new EventBridgeClient(config);
    const mock = mockClient(client)
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [
          { EventId: 'a' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
          { EventId: 'c' },
        ],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });
    const messages = [message(1), message(2), message(3)];
    const outcome = await sendAll(eventBridgeSink({ client, eventBusName: 'bank' }), messages, FAST);
    expect(outcome.rejected.size).toBe(0);
    const details = mock
      .commandCalls(PutEventsCommand)
      .map((call) => call.args[0].input.Entries?.map((e) => e.Detail));
    expect(details).toEqual([messages.map((m) => m.body), [messages[1]!.body]]);
    expect(outcome.requests).toBe(2);
  });

  it('SQS: an entry that keeps failing is reported rejected with its error code after the last attempt', async () => {
    const client = new SQSClient(config);
    const mock = mockClient(client)
      .on(SendMessageBatchCommand)
      .callsFake((input: { Entries: { Id: string }[] }) => ({
        Successful: [],
        Failed: input.Entries.map((e) => ({
          Id: e.Id,
          Code: 'KmsThrottled',
          Message: 'throttled',
          SenderFault: false,
        })),
      }));
    const outcome = await sendAll(sqsSink({ client, queueUrl: QUEUE }), [message(1)], FAST);
    const rejected = outcome.rejected.get(message(1).id);
    expect(isSinkRejectedError(rejected)).toBe(true);
    expect(rejected).toMatchObject({ errorCode: 'KmsThrottled', attempts: 3 });
    expect(mock.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
  });

  it('SNS: an entry missing from the response counts as failed (at least once), and is sent again', async () => {
    const client = new SNSClient(config);
    const mock = mockClient(client)
      .on(PublishBatchCommand)
      .resolvesOnce({ Successful: [{ Id: 'm0' }] })
      .resolves({ Successful: [{ Id: 'm0' }] });
    const outcome = await sendAll(snsSink({ client, topicArn: TOPIC }), [message(1), message(2)], FAST);
    expect(outcome.rejected.size).toBe(0);
    const sent = mock
      .commandCalls(PublishBatchCommand)
      .map((call) => call.args[0].input.PublishBatchRequestEntries?.map((e) => e.MessageDeduplicationId));
    expect(sent).toEqual([[message(1).id, message(2).id], [message(2).id]]);
  });

  it('Kinesis: a record failed by its ErrorCode is sent again alone; a request that throws is sent again whole', async () => {
    const client = new KinesisClient(config);
    const mock = mockClient(client)
      .on(PutRecordsCommand)
      .rejectsOnce(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }))
      .resolvesOnce({
        FailedRecordCount: 1,
        Records: [{ ErrorCode: 'InternalFailure' }, { SequenceNumber: '2', ShardId: 's' }],
      })
      .resolves({ Records: [{ SequenceNumber: '3', ShardId: 's' }] });
    const outcome = await sendAll(
      kinesisSink({ client, streamName: 'bank' }),
      [message(1), message(2)],
      FAST,
    );
    expect(outcome.rejected.size).toBe(0);
    const keys = mock
      .commandCalls(PutRecordsCommand)
      .map((call) => call.args[0].input.Records?.map((r) => r.PartitionKey));
    expect(keys).toEqual([['account-1', 'account-2'], ['account-1', 'account-2'], ['account-1']]);
  });

  it('EventBridge: an entry refused as such (not throttling, not an internal failure) is not sent again', async () => {
    const client = new EventBridgeClient(config);
    const mock = mockClient(client)
      .on(PutEventsCommand)
      .callsFake((input: { Entries: { Detail: string }[] }) => ({
        FailedEntryCount: input.Entries.length,
        Entries: input.Entries.map((entry) =>
          entry.Detail === message(1).body
            ? { ErrorCode: 'MalformedDetail', ErrorMessage: 'bad' }
            : { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
        ),
      }));
    const outcome = await sendAll(
      eventBridgeSink({ client, eventBusName: 'bank' }),
      [message(1), message(2)],
      FAST,
    );
    expect(outcome.rejected.get(message(1).id)).toMatchObject({
      permanent: true,
      errorCode: 'MalformedDetail',
      attempts: 1,
    });
    expect(outcome.rejected.get(message(2).id)).toMatchObject({ permanent: false, attempts: 3 });
    const sent = mock.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries?.length);
    expect(sent).toEqual([2, 1, 1]);
  });
});
