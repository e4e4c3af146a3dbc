/**
 * `npm run smoke:aws:publisher`: the same publication as the tests, against real AWS sinks. The event store,
 * checkpoints and dead letters stay on a DynamoDB Local started here; only the sinks are AWS.
 * Skipped (exit 0) unless AWS credentials, `AWS_REGION` and at least one resource name are given:
 *
 *   DYNAMO_ES_SMOKE_KINESIS_STREAM  a Kinesis data stream (read back with GetRecords)
 *   DYNAMO_ES_SMOKE_SQS_QUEUE_URL   an SQS queue, standard or FIFO (read back, then deleted)
 *   DYNAMO_ES_SMOKE_SNS_TOPIC_ARN   an SNS topic (accepted entries only)
 *   DYNAMO_ES_SMOKE_EVENT_BUS       an EventBridge bus (accepted entries only)
 *   DYNAMO_ES_SMOKE_BUCKET          an S3 bucket: one message of 1.2 MiB goes through the claim check
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createEventTable, EventStore, silentLogger } from '@dynamo-es/event-store';
import { connectDynamoDBLocal } from '@dynamo-es/local';
import { createReadModelTable } from '@dynamo-es/projections';
import { eventItems, toStreamRecord } from '../../../projections/test/support/stream-records.js';
import {
  definePublication,
  eventBridgeSink,
  kinesisSink,
  Publisher,
  parseEnvelope,
  resolveClaimCheck,
  type Sink,
  s3ClaimCheck,
  snsSink,
  sqsSink,
} from '../../src/index.js';

type SmokeEvent = { readonly type: 'Noted'; readonly data: { readonly text: string } };
const env = process.env;
const region = env.AWS_REGION;
const hasCredentials = Boolean(
  env.AWS_ACCESS_KEY_ID ||
    env.AWS_PROFILE ||
    env.AWS_WEB_IDENTITY_TOKEN_FILE ||
    env.AWS_CONTAINER_CREDENTIALS_FULL_URI,
);
const targets = {
  kinesis: env.DYNAMO_ES_SMOKE_KINESIS_STREAM,
  sqs: env.DYNAMO_ES_SMOKE_SQS_QUEUE_URL,
  sns: env.DYNAMO_ES_SMOKE_SNS_TOPIC_ARN,
  eventBridge: env.DYNAMO_ES_SMOKE_EVENT_BUS,
};
const bucket = env.DYNAMO_ES_SMOKE_BUCKET;

if (!region || !hasCredentials || Object.values(targets).every((target) => !target)) {
  console.log(
    'smoke:aws:publisher skipped: set AWS credentials, AWS_REGION and at least one DYNAMO_ES_SMOKE_* resource (see the file header)',
  );
  process.exit(0);
}

const local = await connectDynamoDBLocal();
let failures = 0;
try {
  const suffix = Date.now().toString(36);
  const eventsTable = `smoke-events-${suffix}`;
  const readModelTable = `smoke-read-models-${suffix}`;
  await createEventTable(local.client, { tableName: eventsTable });
  await createReadModelTable(local.client, { tableName: readModelTable });
  const store = new EventStore<SmokeEvent>({
    client: local.client,
    tableName: eventsTable,
    logger: silentLogger,
  });
  const streams = [1, 2, 3].map((n) => `smoke-${suffix}-${n}`);
  for (const streamId of streams) {
    for (const text of ['a', 'b', 'c'])
      await store.append(streamId, [{ type: 'Noted', data: { text } }], { expectedVersion: 'any' });
  }
  if (bucket)
    await store.append(streams[0]!, [{ type: 'Noted', data: { text: 'large' } }], { expectedVersion: 'any' });
  const records = (await eventItems(local.client, eventsTable, streams)).map((item) =>
    toStreamRecord(item, eventsTable),
  );
  const expected = new Set<string>();
  for (const streamId of streams)
    for (const event of (await store.readStream(streamId)).events) expected.add(event.eventId);
  const s3 = bucket ? new S3Client({ region }) : undefined;
  const sinks: [string, Sink, (ids: Set<string>) => Promise<Set<string>>][] = [];
  if (targets.kinesis) {
    const client = new KinesisClient({ region });
    const started = new Date(Date.now() - 5_000);
    sinks.push([
      'kinesis',
      kinesisSink({ client, streamName: targets.kinesis }),
      (ids) => readKinesis(client, targets.kinesis!, started, ids),
    ]);
  }
  if (targets.sqs) {
    const client = new SQSClient({ region });
    sinks.push([
      'sqs',
      sqsSink({ client, queueUrl: targets.sqs }),
      (ids) => readSqs(client, targets.sqs!, ids),
    ]);
  }
  if (targets.sns)
    sinks.push([
      'sns',
      snsSink({ client: new SNSClient({ region }), topicArn: targets.sns }),
      async (ids) => ids,
    ]);
  if (targets.eventBridge) {
    const sink = eventBridgeSink({
      client: new EventBridgeClient({ region }),
      eventBusName: targets.eventBridge,
    });
    sinks.push(['eventbridge', sink, async (ids) => ids]);
  }
  for (const [name, sink, readBack] of sinks) {
    const publication = definePublication<SmokeEvent>({
      name: `smoke-${name}-${suffix}`,
      messages: {
        Noted: (e) => ({
          type: 'smoke.Noted',
          version: 1,
          data: { text: e.data.text === 'large' ? 'x'.repeat(1.2 * 1024 * 1024) : e.data.text },
        }),
      },
    });
    const publisher = new Publisher({
      client: local.client,
      eventStore: store,
      tableName: readModelTable,
      sink,
      ...(s3 && bucket ? { claimCheck: s3ClaimCheck({ client: s3, bucket }) } : {}),
      logger: console,
    });
    const response = await publisher.streamHandler(publication)({ Records: records });
    const seen = await readBack(expected);
    const missing = [...expected].filter((id) => !seen.has(id));
    const ok = response.batchItemFailures.length === 0 && missing.length === 0;
    if (!ok) failures++;
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} ${name}: ${records.length} records, ${response.batchItemFailures.length} batch item failures, ${missing.length} messages not read back`,
    );
  }
  if (s3 && bucket)
    console.log(
      'claim check: the large message was stored in S3 (read back through resolveClaimCheck for Kinesis and SQS)',
    );
  async function readKinesis(client: KinesisClient, streamName: string, since: Date, ids: Set<string>) {
    const seen = new Set<string>();
    const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
    for (const shard of Shards) {
      let { ShardIterator } = await client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shard.ShardId,
          ShardIteratorType: 'AT_TIMESTAMP',
          Timestamp: since,
        }),
      );
      for (let page = 0; ShardIterator && page < 20; page++) {
        const output = await client.send(new GetRecordsCommand({ ShardIterator }));
        for (const record of output.Records ?? [])
          await see(seen, ids, Buffer.from(record.Data ?? []).toString('utf8'));
        if ((output.MillisBehindLatest ?? 0) === 0 && (output.Records ?? []).length === 0) break;
        ShardIterator = output.NextShardIterator;
      }
    }
    return seen;
  }
  async function readSqs(client: SQSClient, queueUrl: string, ids: Set<string>) {
    const seen = new Set<string>();
    for (let round = 0; round < 15 && seen.size < ids.size; round++) {
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }),
      );
      for (const message of Messages) {
        if (await see(seen, ids, message.Body ?? '')) {
          await client.send(
            new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
          );
        }
      }
    }
    return seen;
  }
  async function see(seen: Set<string>, ids: Set<string>, body: string): Promise<boolean> {
    try {
      const envelope = await resolveClaimCheck(parseEnvelope(body), {
        client: s3 ?? new S3Client({ region }),
      });
      if (!ids.has(envelope.id)) return false;
      seen.add(envelope.id);
      return true;
    } catch {
      return false;
    }
  }
} finally {
  await local.stop();
}
process.exit(failures > 0 ? 1 : 0);
