import {
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamHandler } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import {
  createCheckpointTable,
  DynamoDBCheckpointStore,
  type FailedBatch,
  isCaughtUpTimeoutError,
  isRunnerStateError,
  isStreamNotEnabledError,
  StreamNotEnabledError,
  StreamRunner,
  type StreamRunnerOptions,
} from '../src/index.js';

// Connected tests: each creates its own table with a stream on the DynamoDB Local of the test run.

const tables: string[] = [];
const runners: StreamRunner[] = [];

afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
  await Promise.all(
    tables.splice(0).map((TableName) =>
      testClient()
        .send(new DeleteTableCommand({ TableName }))
        .catch(() => {}),
    ),
  );
});

async function createTable(options: { stream?: boolean } = {}): Promise<string> {
  const TableName = uniqueId('runner');
  tables.push(TableName);
  await testClient().send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification:
        options.stream === false ? undefined : { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );
  return TableName;
}

async function putItems(tableName: string, keys: readonly string[], client: DynamoDBClient = testClient()) {
  for (const key of keys) {
    await client.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: key }, n: { N: '1' } } }));
  }
}

const keys = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, index) => `${prefix}-${String(index).padStart(3, '0')}`);

const keyOf = (record: DynamoDBRecord): string => record.dynamodb?.Keys?.pk?.S ?? '?';
const sequenceOf = (record: DynamoDBRecord): string => record.dynamodb?.SequenceNumber ?? '?';

/** A runner with test-friendly timings, stopped after the test. */
function runner(options: Partial<StreamRunnerOptions> & Pick<StreamRunnerOptions, 'tableName' | 'handler'>) {
  const created = new StreamRunner({
    client: testClient(),
    pollIntervalMs: 20,
    maxPollIntervalMs: 100,
    retryBaseDelayMs: 1,
    maxRetryDelayMs: 5,
    onError: () => {},
    ...options,
  });
  runners.push(created);
  return created;
}

/** A handler that remembers every record it was given, per invocation. */
function recordingHandler(
  respond: (records: DynamoDBRecord[]) => DynamoDBBatchResponse | undefined = () => undefined,
) {
  const batches: DynamoDBRecord[][] = [];
  const handler: DynamoDBStreamHandler = async (event) => {
    batches.push(event.Records);
    return respond(event.Records);
  };
  return { handler, batches, delivered: () => batches.flat() };
}

describe('StreamRunner on DynamoDB Local', () => {
  it('delivers every record exactly once, in order per item, in batches of at most batchSize', async () => {
    const tableName = await createTable();
    const { handler, batches, delivered } = recordingHandler();
    const first = keys('item', 120);
    // Written 20 at a time: the order across items does not matter here.
    for (let start = 0; start < first.length; start += 20) {
      await Promise.all(first.slice(start, start + 20).map((key) => putItems(tableName, [key])));
    }
    const run = runner({ tableName, handler, batchSize: 25 });
    await run.start();
    // Changes while the runner reads: per item, version 2 must come after version 1.
    for (const key of first.slice(0, 30)) {
      await testClient().send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { pk: { S: key } },
          UpdateExpression: 'SET n = :two',
          ExpressionAttributeValues: { ':two': { N: '2' } },
        }),
      );
    }
    await run.waitForCaughtUp({ timeoutMs: 20_000 });

    const records = delivered();
    expect(records).toHaveLength(150);
    expect(new Set(records.map(sequenceOf)).size).toBe(150);
    expect(batches.every((batch) => batch.length <= 25)).toBe(true);
    for (const key of first.slice(0, 30)) {
      const versions = records
        .filter((record) => keyOf(record) === key)
        .map((r) => r.dynamodb?.NewImage?.n?.N);
      expect(versions).toEqual(['1', '2']);
    }
    expect(run.stats()).toMatchObject({ recordsDelivered: 150, recordsAcknowledged: 150, failures: 0 });
  });

  it('passes records shaped like Lambda’s, binary as base64 and numbers as strings', async () => {
    const tableName = await createTable();
    const { handler, delivered } = recordingHandler();
    await testClient().send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          pk: { S: 'shape' },
          bin: { B: new Uint8Array([0, 1, 2, 250]) },
          bins: { BS: [new Uint8Array([255]), new Uint8Array([1, 2])] },
          num: { N: '12.50' },
          nested: { M: { list: { L: [{ B: new Uint8Array([7]) }, { NULL: true }, { BOOL: false }] } } },
          strings: { SS: ['a', 'b'] },
          numbers: { NS: ['1', '2'] },
        },
      }),
    );
    const run = runner({ tableName, handler });
    await run.start();
    await run.waitForCaughtUp({ timeoutMs: 10_000 });

    const [record] = delivered();
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
    expect(record).toEqual({
      eventID: expect.any(String),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: expect.any(String),
      eventSourceARN: run.streamArn,
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { pk: { S: 'shape' } },
        NewImage: {
          pk: { S: 'shape' },
          bin: { B: 'AAEC+g==' },
          bins: { BS: expect.arrayContaining(['/w==', 'AQI=']) },
          num: { N: '12.5' },
          nested: { M: { list: { L: [{ B: 'Bw==' }, { NULL: true }, { BOOL: false }] } } },
          strings: { SS: expect.arrayContaining(['a', 'b']) },
          numbers: { NS: expect.arrayContaining(['1', '2']) },
        },
        SequenceNumber: expect.stringMatching(/^\d{21,40}$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_IMAGE',
      },
    });
    expect(run.streamArn).toMatch(new RegExp(`^arn:aws:dynamodb:.*:table/${tableName}/stream/`));
    expect(Math.abs(Date.now() / 1000 - (record?.dynamodb?.ApproximateCreationDateTime ?? 0))).toBeLessThan(
      3600,
    );
  });

  it('redelivers from the lowest failed record of batchItemFailures, not the records before it', async () => {
    const tableName = await createTable();
    await putItems(tableName, keys('item', 10));
    let failedOnce = false;
    const { handler, batches, delivered } = recordingHandler((records) => {
      const failing = records.find((record) => keyOf(record) === 'item-004');
      if (failing === undefined || failedOnce) return { batchItemFailures: [] };
      failedOnce = true;
      // Also report a later record: only the lowest one decides where redelivery starts.
      return {
        batchItemFailures: [
          { itemIdentifier: sequenceOf(records[7]!) },
          { itemIdentifier: sequenceOf(failing) },
        ],
      };
    });
    const run = runner({ tableName, handler });
    await run.start();
    await run.waitForCaughtUp({ timeoutMs: 10_000 });

    expect(batches.map((batch) => batch.map(keyOf))).toEqual([keys('item', 10), keys('item', 10).slice(4)]);
    const times = (key: string) => delivered().filter((record) => keyOf(record) === key).length;
    for (const key of keys('item', 4)) expect(times(key)).toBe(1);
    for (const key of keys('item', 10).slice(4)) expect(times(key)).toBe(2);
    expect(run.stats()).toMatchObject({ batches: 2, failures: 1, retries: 1, deadLettered: 0 });
  });

  it('retries a batch whose handler throws, a bounded number of times, then dead-letters it and moves on', async () => {
    const tableName = await createTable();
    await putItems(tableName, ['poison', 'after-1']);
    const failures: FailedBatch[] = [];
    const { handler, batches } = recordingHandler((records) => {
      if (records.some((record) => keyOf(record) === 'poison')) throw new Error('cannot project poison');
      return undefined;
    });
    const run = runner({
      tableName,
      handler,
      maxRetries: 2,
      onFailure: (batch) => void failures.push(batch),
    });
    await run.start();
    await run.waitForCaughtUp({ timeoutMs: 10_000 });
    await putItems(tableName, ['later']);
    await run.waitForCaughtUp({ timeoutMs: 10_000 });

    expect(batches.map((batch) => batch.map(keyOf))).toEqual([
      ['poison', 'after-1'],
      ['poison', 'after-1'],
      ['poison', 'after-1'],
      ['later'],
    ]);
    expect(failures).toHaveLength(1);
    const [failed] = failures;
    expect(failed).toMatchObject({
      condition: 'RetryAttemptsExhausted',
      streamArn: run.streamArn,
      shardId: expect.stringMatching(/^shardId-/),
      batchSize: 2,
      attempts: 3,
      startSequenceNumber: sequenceOf(batches[0]![0]!),
      endSequenceNumber: sequenceOf(batches[0]![1]!),
      error: expect.objectContaining({ message: 'cannot project poison' }),
    });
    expect(failed?.records.map(keyOf)).toEqual(['poison', 'after-1']);
    expect(run.stats()).toMatchObject({
      batches: 4,
      failures: 3,
      retries: 2,
      deadLettered: 2,
      recordsAcknowledged: 3,
    });
  });

  it('with bisectOnError, dead-letters only the poison record', async () => {
    const tableName = await createTable();
    const items = keys('item', 8);
    await putItems(tableName, [...items.slice(0, 5), 'poison', ...items.slice(5)]);
    const failures: FailedBatch[] = [];
    const { handler, delivered } = recordingHandler((records) => {
      if (records.some((record) => keyOf(record) === 'poison')) throw new Error('poison');
      return undefined;
    });
    const run = runner({
      tableName,
      handler,
      maxRetries: 1,
      bisectOnError: true,
      onFailure: (b) => void failures.push(b),
    });
    await run.start();
    await run.waitForCaughtUp({ timeoutMs: 10_000 });

    expect(failures.map((batch) => batch.records.map(keyOf))).toEqual([['poison']]);
    const succeeded = new Set(delivered().map(keyOf));
    for (const key of items) expect(succeeded.has(key)).toBe(true);
  });

  it('resumes after a restart from the DynamoDB checkpoint store without redelivering acknowledged records', async () => {
    const tableName = await createTable();
    const checkpointTable = uniqueId('runner-checkpoints');
    tables.push(checkpointTable);
    await createCheckpointTable(testClient(), { tableName: checkpointTable });
    const checkpointStore = () =>
      new DynamoDBCheckpointStore({ client: testClient(), tableName: checkpointTable, consumer: 'orders' });
    await putItems(tableName, keys('first', 30));

    const before = recordingHandler();
    const first = runner({
      tableName,
      handler: before.handler,
      batchSize: 10,
      checkpointStore: checkpointStore(),
    });
    await first.start();
    await first.waitForCaughtUp({ timeoutMs: 10_000 });
    await first.stop();
    await putItems(tableName, keys('second', 15));

    const after = recordingHandler();
    const second = runner({
      tableName,
      handler: after.handler,
      batchSize: 10,
      checkpointStore: checkpointStore(),
    });
    await second.start();
    await second.waitForCaughtUp({ timeoutMs: 10_000 });

    expect(before.delivered().map(keyOf)).toEqual(keys('first', 30));
    expect(after.delivered().map(keyOf)).toEqual(keys('second', 15));
  });

  it('stop() lets the in-flight batch finish and checkpoints it, so a restart does not redeliver it', async () => {
    const tableName = await createTable();
    const checkpointTable = uniqueId('runner-checkpoints');
    tables.push(checkpointTable);
    await createCheckpointTable(testClient(), { tableName: checkpointTable });
    const store = new DynamoDBCheckpointStore({ client: testClient(), tableName: checkpointTable });
    await putItems(tableName, keys('item', 6));

    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const firstBatches: string[][] = [];
    const first = runner({
      tableName,
      batchSize: 3,
      checkpointStore: store,
      handler: async (event) => {
        firstBatches.push(event.Records.map(keyOf));
        entered();
        await blocked;
      },
    });
    await first.start();
    await inFlight;
    let stopped = false;
    const stopping = first.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(firstBatches).toEqual([keys('item', 3)]);

    const after = recordingHandler();
    const second = runner({ tableName, handler: after.handler, checkpointStore: store });
    await second.start();
    await second.waitForCaughtUp({ timeoutMs: 10_000 });
    expect(after.delivered().map(keyOf)).toEqual(keys('item', 6).slice(3));
  });

  it('waitForCaughtUp() waits for records written before the call, and times out while a batch hangs', async () => {
    const tableName = await createTable();
    let hang = false;
    let release: () => void = () => {};
    const seen: string[] = [];
    const run = runner({
      tableName,
      batchSize: 5,
      handler: async (event) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (hang) await new Promise<void>((resolve) => (release = resolve));
        seen.push(...event.Records.map(keyOf));
      },
    });
    await run.start();
    await putItems(tableName, keys('item', 40));
    await run.waitForCaughtUp({ timeoutMs: 10_000 });
    expect(seen).toEqual(keys('item', 40));

    hang = true;
    await putItems(tableName, ['stuck']);
    const waiting = run.waitForCaughtUp({ timeoutMs: 300 });
    await expect(waiting).rejects.toSatisfy(isCaughtUpTimeoutError);
    await expect(waiting).rejects.toMatchObject({ pendingShardIds: [expect.stringMatching(/^shardId-/)] });
    hang = false;
    release();
    await run.waitForCaughtUp({ timeoutMs: 10_000 });
    expect(seen.at(-1)).toBe('stuck');
  });

  it('with startingPosition LATEST delivers only records written after start() resolved', async () => {
    const tableName = await createTable();
    await putItems(tableName, keys('before', 5));
    const { handler, delivered } = recordingHandler();
    const run = runner({ tableName, handler, startingPosition: 'LATEST' });
    await run.start();
    await putItems(tableName, keys('after', 5));
    await run.waitForCaughtUp({ timeoutMs: 10_000 });

    expect(delivered().map(keyOf)).toEqual(keys('after', 5));
  });

  it('rejects waitForCaughtUp() when the runner is not running', async () => {
    const tableName = await createTable();
    const run = runner({ tableName, handler: async () => {} });
    await expect(run.waitForCaughtUp()).rejects.toSatisfy(isRunnerStateError);
    await run.start();
    await expect(run.start()).rejects.toSatisfy(isRunnerStateError);
    await run.stop();
    await expect(run.waitForCaughtUp()).rejects.toSatisfy(isRunnerStateError);
  });

  it('fails to start on a table without a stream, saying how to enable one', async () => {
    const tableName = await createTable({ stream: false });
    const run = runner({ tableName, handler: async () => {} });
    const starting = run.start();
    await expect(starting).rejects.toBeInstanceOf(StreamNotEnabledError);
    await expect(starting).rejects.toSatisfy(isStreamNotEnabledError);
    await expect(starting).rejects.toThrow(/StreamSpecification.*StreamEnabled: true/);
    await expect(starting).rejects.toMatchObject({ code: 'DYNAMO_ES_STREAM_NOT_ENABLED', tableName });
  });
});
