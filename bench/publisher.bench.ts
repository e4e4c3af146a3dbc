import {
  type AttributeValue,
  BatchGetItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { type KinesisClient, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { createEventTable, EventStore, type NewEvent, silentLogger } from '@dynamo-es/event-store';
import { createReadModelTable } from '@dynamo-es/projections';
import {
  type DeliveryStats,
  definePublication,
  kinesisSink,
  Publisher,
  s3ClaimCheck,
} from '@dynamo-es/publisher';
import type { DynamoDBRecord } from 'aws-lambda';
import { ulid } from 'ulid';
import { toStreamRecord } from '../packages/projections/test/support/stream-records.js';
import { median, meter } from './meter.js';
import { countRequests, createDataStream, startKinesalite, startS3rver } from './publisher/local-services.js';
import type { Benchmark, BenchTable } from './types.js';

type Deposited = {
  readonly type: 'Deposited';
  readonly data: { readonly amount: number; readonly memo: string };
};
const ROUNDS = 3;
const BATCH = 100;
const unique = (name: string) => `bench-${name}-${ulid().toLowerCase()}`;

/** Events of `streams` streams, `perStream` each, appended so that a batch holds `perBatchPerStream` events of a stream. */
async function workload(
  store: EventStore<Deposited>,
  client: DynamoDBClient,
  options: { streams: number; perStream: number; interleaved: boolean; memoBytes: number },
): Promise<DynamoDBRecord[]> {
  const ids = Array.from({ length: options.streams }, () => unique('account'));
  const event = (i: number): NewEvent<Deposited> => ({
    type: 'Deposited',
    data: { amount: i, memo: 'm'.repeat(options.memoBytes) },
  });
  for (let version = 1; version <= options.perStream; version++) {
    await Promise.all(ids.map((id) => store.append(id, [event(version)], { expectedVersion: version - 1 })));
  }
  const items = new Map<string, Record<string, AttributeValue>[]>();
  for (const id of ids) {
    const output = await client.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 's = :s',
        ExpressionAttributeValues: { ':s': { S: id } },
      }),
    );
    items.set(id, output.Items ?? []);
  }
  const ordered: Record<string, AttributeValue>[] = [];
  if (options.interleaved) {
    for (let v = 0; v < options.perStream; v++) for (const id of ids) ordered.push(items.get(id)![v]!);
  } else for (const id of ids) ordered.push(...items.get(id)!);
  return ordered.map((item) => toStreamRecord(item, store.tableName));
}

const batchesOf = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

const perSecond = (count: number, ms: number) => Math.round((count / ms) * 1000);

const publisherBenchmark: Benchmark = async (context) => {
  const kinesis = await startKinesalite();
  const s3 = await startS3rver();
  try {
    const eventsTable = unique('publisher-events');
    const readModelTable = unique('publisher-read-models');
    await createEventTable(context.client, { tableName: eventsTable });
    await createReadModelTable(context.client, { tableName: readModelTable });
    const store = new EventStore<Deposited>({
      client: context.client,
      tableName: eventsTable,
      logger: silentLogger,
    });
    const streamName = await createDataStream(kinesis.client, unique('messages'));
    const tables: BenchTable[] = [];
    for (const shape of [
      { label: '1 event per stream per batch', streams: 1_000, perStream: 2, interleaved: true },
      { label: '5 events per stream per batch', streams: 200, perStream: 10, interleaved: false },
    ]) {
      const records = await workload(store, context.client, { ...shape, memoBytes: 200 });
      tables.push(
        await throughputTable(context, {
          store,
          readModelTable,
          streamName,
          kinesis,
          records,
          label: shape.label,
        }),
      );
    }
    tables.push(await claimCheckTable(context, { store, readModelTable, streamName, kinesis, s3 }));
    return tables;
  } finally {
    await kinesis.stop();
    await s3.stop();
  }
};

interface Setup {
  readonly store: EventStore<Deposited>;
  readonly readModelTable: string;
  readonly streamName: string;
  readonly kinesis: Awaited<ReturnType<typeof startKinesalite>>;
}

const deposits = (name: string, blowUp = 1) =>
  definePublication<Deposited>({
    name,
    messages: {
      Deposited: (event) => ({
        type: 'bank.Deposited',
        version: 1,
        data: { ...event.data, memo: event.data.memo.repeat(blowUp) },
      }),
    },
  });

async function throughputTable(
  context: Parameters<Benchmark>[0],
  setup: Setup & { readonly records: DynamoDBRecord[]; readonly label: string },
): Promise<BenchTable> {
  const { records } = setup;
  const batches = batchesOf(records, BATCH);
  const sinkClient = await setup.kinesis.newClient();
  const sinkRequests = countRequests(sinkClient);
  const captured: PutRecordsCommandInput[][] = [];
  let capturing: PutRecordsCommandInput[] | undefined;
  sinkClient.middlewareStack.add(
    (next, ctx) => async (args) => {
      if (ctx.commandName === 'PutRecordsCommand') capturing?.push(args.input as PutRecordsCommandInput);
      return next(args);
    },
    { step: 'initialize', name: 'bench-capture' },
  );
  const checkpointClient = context.newClient();
  const dynamo = meter(checkpointClient);
  const publisher = new Publisher({
    client: checkpointClient,
    eventStore: setup.store,
    tableName: setup.readModelTable,
    sink: kinesisSink({ client: sinkClient, streamName: setup.streamName }),
    logger: silentLogger,
  });
  const raw = await setup.kinesis.newClient();
  const times = {
    publisher: [] as number[],
    same: [] as number[],
    naive: [] as number[],
    checkpointed: [] as number[],
  };
  const rawDynamo = context.newClient();
  let stats: DeliveryStats = { published: 0, requests: 0, duplicates: 0, claimChecked: 0, conflicts: 0 };
  let dynamoRequests: Record<string, number> = {};
  const runPublisher = async () => {
    // A fresh publication (fresh checkpoints) over the same records.
    const handler = publisher.streamHandler(deposits(unique('deposits')), {
      onDelivered: (s) => {
        for (const key of Object.keys(stats) as (keyof DeliveryStats)[]) stats[key] += s[key];
      },
    });
    stats = { published: 0, requests: 0, duplicates: 0, claimChecked: 0, conflicts: 0 };
    dynamo.reset();
    sinkRequests.reset();
    captured.length = 0;
    for (const batch of batches) {
      capturing = [];
      const response = await handler({ Records: batch });
      if (response.batchItemFailures.length > 0) throw new Error('the benchmark expects no failures');
      captured.push(capturing);
    }
    capturing = undefined;
    dynamoRequests = dynamo.byCommand();
  };
  const paths: [keyof typeof times, () => Promise<void>][] = [
    ['publisher', runPublisher],
    // The raw loop doing the same PutRecords calls, one invocation's calls after the other.
    [
      'same',
      async () => {
        for (const calls of captured) for (const input of calls) await raw.send(new PutRecordsCommand(input));
      },
    ],
    // The fewest calls: one PutRecords per batch of 100 records (no per-stream order on partial failure).
    ['naive', () => rawOneCallPerBatch(raw, setup.streamName, captured)],
    // The same calls to DynamoDB too: per batch, one BatchGetItem of the streams' checkpoints,
    // the same PutRecords, one conditional PutItem per stream.
    [
      'checkpointed',
      () =>
        rawWithCheckpoints({
          dynamo: rawDynamo,
          kinesis: raw,
          table: setup.readModelTable,
          batches,
          captured,
        }),
    ],
  ];
  // A warm-up round (not counted), then rounds that rotate which path goes first.
  for (const [, run] of paths) await run();
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < paths.length; k++) {
      const [name, run] = paths[(round + k) % paths.length]!;
      const started = performance.now();
      await run();
      times[name].push(performance.now() - started);
    }
  }
  const events = records.length;
  const putRecords = captured.reduce((sum, calls) => sum + calls.length, 0);
  const dynamoTotal = Object.values(dynamoRequests).reduce((sum, n) => sum + n, 0);
  const [pub, same, naive, checkpointed] = [times.publisher, times.same, times.naive, times.checkpointed].map(
    median,
  ) as [number, number, number, number];
  const naiveCalls = captured.reduce(
    (sum, calls) => sum + Math.ceil(calls.reduce((n, c) => n + (c.Records?.length ?? 0), 0) / 500),
    0,
  );
  return {
    title: `Publisher to Kinesis (kinesalite), ${events} events in batches of ${BATCH}, ${setup.label}`,
    rows: [
      {
        path: 'publisher (checkpointed, per-stream waves)',
        'messages/s': perSecond(stats.published, pub),
        'ms (median of 3)': Math.round(pub),
        'PutRecords/event': (putRecords / events).toFixed(3),
        'DynamoDB requests/event': (dynamoTotal / events).toFixed(3),
        'DynamoDB requests': JSON.stringify(dynamoRequests),
      },
      {
        path: 'raw loop, the same PutRecords and DynamoDB calls',
        'messages/s': perSecond(events, checkpointed),
        'ms (median of 3)': Math.round(checkpointed),
        'PutRecords/event': (putRecords / events).toFixed(3),
        'DynamoDB requests/event': (dynamoTotal / events).toFixed(3),
        ratio: `publisher takes ${(pub / checkpointed).toFixed(2)}x its time`,
      },
      {
        path: 'raw PutRecords loop, the same calls',
        'messages/s': perSecond(events, same),
        'ms (median of 3)': Math.round(same),
        'PutRecords/event': (putRecords / events).toFixed(3),
        'DynamoDB requests/event': '0',
        ratio: `publisher takes ${(pub / same).toFixed(2)}x its time`,
      },
      {
        path: 'raw PutRecords, one call per batch (no order guarantee)',
        'messages/s': perSecond(events, naive),
        'ms (median of 3)': Math.round(naive),
        'PutRecords/event': (naiveCalls / events).toFixed(3),
        'DynamoDB requests/event': '0',
        ratio: `publisher takes ${(pub / naive).toFixed(2)}x its time`,
      },
    ],
    notes: [
      'Same run, same kinesalite (in this process), same DynamoDB Local; a warm-up round, then 3 rounds rotating which path goes first; median.',
      'The publisher per invocation: 1 BatchGetItem of the checkpoints, the PutRecords waves, 1 conditional PutItem per stream (1 WCU).',
    ],
  };
}

/** The raw loop of the same calls to DynamoDB and Kinesis, without the framework. */
async function rawWithCheckpoints(input: {
  readonly dynamo: DynamoDBClient;
  readonly kinesis: KinesisClient;
  readonly table: string;
  readonly batches: readonly DynamoDBRecord[][];
  readonly captured: readonly PutRecordsCommandInput[][];
}): Promise<void> {
  const { captured, batches } = input;
  const raw = input.kinesis;
  const rawDynamo = input.dynamo;
  const setup = { readModelTable: input.table };
  const scope = unique('raw');
  for (const [index, calls] of captured.entries()) {
    const streams = [...new Set(batches[index]!.map((r) => r.dynamodb?.Keys?.s?.S ?? ''))];
    const key = (stream: string) => ({ pk: { S: `doc#${scope}#1#${stream}` }, sk: { S: 'doc' } });
    for (const chunk of batchesOf(streams, 100)) {
      await rawDynamo.send(
        new BatchGetItemCommand({
          RequestItems: { [setup.readModelTable]: { Keys: chunk.map(key), ConsistentRead: true } },
        }),
      );
    }
    for (const input of calls) await raw.send(new PutRecordsCommand(input));
    await Promise.all(
      streams.map((stream) =>
        rawDynamo.send(
          new PutItemCommand({
            TableName: setup.readModelTable,
            Item: { ...key(stream), v: { N: String(index + 1) } },
            ConditionExpression: 'attribute_not_exists(pk) OR v < :v',
            ExpressionAttributeValues: { ':v': { N: String(index + 1) } },
          }),
        ),
      ),
    );
  }
}

/** The fewest calls: one PutRecords per batch (no per-stream order on a partial failure). */
async function rawOneCallPerBatch(
  raw: KinesisClient,
  streamName: string,
  captured: readonly PutRecordsCommandInput[][],
) {
  for (const calls of captured) {
    const all = calls.flatMap((input) => input.Records ?? []);
    for (const chunk of batchesOf(all, 500))
      await raw.send(new PutRecordsCommand({ StreamName: streamName, Records: chunk }));
  }
}

async function claimCheckTable(
  context: Parameters<Benchmark>[0],
  setup: Setup & { readonly s3: Awaited<ReturnType<typeof startS3rver>> },
): Promise<BenchTable> {
  const COUNT = 20;
  const records = await workload(setup.store, context.client, {
    streams: COUNT,
    perStream: 1,
    interleaved: true,
    memoBytes: 1_000,
  });
  const rows: BenchTable['rows'] = [];
  for (const [label, blowUp] of [
    ['1 KB message', 1],
    ['1.5 MiB message (claim-checked)', 1_500],
  ] as const) {
    const sinkClient = await setup.kinesis.newClient();
    const sink = countRequests(sinkClient);
    const s3Requests = countRequests(setup.s3.client);
    s3Requests.reset();
    const checkpointClient = context.newClient();
    const dynamo = meter(checkpointClient);
    const publisher = new Publisher({
      client: checkpointClient,
      eventStore: setup.store,
      tableName: setup.readModelTable,
      sink: kinesisSink({ client: sinkClient, streamName: setup.streamName }),
      claimCheck: s3ClaimCheck({ client: setup.s3.client, bucket: setup.s3.bucket }),
      logger: silentLogger,
    });
    const handler = publisher.streamHandler(deposits(unique('claims'), blowUp));
    const started = performance.now();
    await handler({ Records: records });
    const ms = performance.now() - started;
    const s3 = s3Requests.byCommand();
    rows.push({
      message: label,
      'ms/message': (ms / COUNT).toFixed(1),
      'S3 PutObject/message': ((s3.PutObjectCommand ?? 0) / COUNT).toFixed(2),
      'S3 bytes/message': Math.round(s3Requests.bytes() / COUNT),
      'Kinesis bytes/message': Math.round(sink.bytes() / COUNT),
      'PutRecords/message': ((sink.byCommand().PutRecordsCommand ?? 0) / COUNT).toFixed(2),
      'DynamoDB requests/message': (dynamo.requests() / COUNT).toFixed(2),
    });
  }
  return {
    title: `Cost of a claim-checked message (${COUNT} messages, one batch, s3rver and kinesalite)`,
    rows,
    notes: [
      'A claim-checked message costs one PutObject of its full envelope (S3 bills per request and GB-month) and a reference of a few hundred bytes in the sink;',
      'the consumer pays one GetObject to resolve it. Absolute times are of local emulators, not of AWS.',
    ],
  };
}

export default publisherBenchmark;
