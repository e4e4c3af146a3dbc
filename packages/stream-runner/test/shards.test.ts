import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamHandler } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import {
  InMemoryCheckpointStore,
  isRecordsTrimmedError,
  isRunnerStateError,
  StreamRunner,
  type StreamRunnerOptions,
} from '../src/index.js';

// Offline tests of shard handling against an in-memory fake of the DynamoDB Streams API, for what
// DynamoDB Local never does: shard lineage, rollovers, expired iterators, trimmed data, throttling.

const STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/events/stream/2024-01-01T00:00:00.000';

interface FakeShard {
  readonly id: string;
  readonly parent?: string;
  readonly records: _Record[];
  closed: boolean;
  /** Records before this index were trimmed. */
  trimmedBefore: number;
  /** Empty pages returned before the first record, as AWS may do. */
  emptyPagesFirst: number;
}

interface Iterator {
  shard: string;
  index: number;
  empties: number;
}

const awsError = (name: string): Error => Object.assign(new Error(`${name} (fake)`), { name });

class FakeStreams {
  readonly shards: FakeShard[] = [];
  readonly calls: Array<{ command: string; input: Record<string, unknown> }> = [];
  /** Errors to throw from the next calls of a command, by command name. */
  readonly failures = new Map<string, Error[]>();
  describePageSize = 2;
  #sequence = 0;

  addShard(
    id: string,
    options: Partial<Omit<FakeShard, 'id' | 'records'>> & { keys?: string[] } = {},
  ): FakeShard {
    const shard: FakeShard = {
      id,
      records: [],
      closed: false,
      trimmedBefore: 0,
      emptyPagesFirst: 0,
      ...options,
    };
    this.shards.push(shard);
    for (const key of options.keys ?? []) this.write(id, key);
    return shard;
  }

  write(shardId: string, key: string): void {
    const shard = this.#shard(shardId);
    this.#sequence += 1;
    shard.records.push({
      eventID: `event-${this.#sequence}`,
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-1',
      dynamodb: {
        ApproximateCreationDateTime: new Date(),
        Keys: { pk: { S: key } },
        NewImage: { pk: { S: key } },
        SequenceNumber: String(this.#sequence).padStart(21, '0'),
        SizeBytes: 10,
        StreamViewType: 'NEW_IMAGE',
      },
    });
  }

  fail(command: string, ...errors: Error[]): void {
    this.failures.set(command, [...(this.failures.get(command) ?? []), ...errors]);
  }

  callsOf(command: string, shard?: string) {
    return this.calls.filter(
      (call) => call.command === command && (shard === undefined || call.input.ShardId === shard),
    );
  }

  send = async (command: object): Promise<unknown> => {
    const name = command.constructor.name.replace(/Command$/, '');
    const input = (command as { input: Record<string, unknown> }).input;
    this.calls.push({ command: name, input });
    await new Promise((resolve) => setTimeout(resolve, 1));
    const failure = this.failures.get(name)?.shift();
    if (failure !== undefined) throw failure;
    if (command instanceof DescribeStreamCommand) return this.#describe(command.input.ExclusiveStartShardId);
    if (command instanceof GetShardIteratorCommand) return { ShardIterator: this.#iterator(command.input) };
    if (command instanceof GetRecordsCommand)
      return this.#records(command.input.ShardIterator!, command.input.Limit);
    throw new Error(`unexpected command ${name}`);
  };

  #shard(id: string): FakeShard {
    const shard = this.shards.find((candidate) => candidate.id === id);
    if (shard === undefined) throw awsError('ResourceNotFoundException');
    return shard;
  }

  #describe(exclusiveStart: string | undefined) {
    const start =
      exclusiveStart === undefined ? 0 : this.shards.findIndex((shard) => shard.id === exclusiveStart) + 1;
    const page = this.shards.slice(start, start + this.describePageSize);
    const more = start + this.describePageSize < this.shards.length;
    return {
      StreamDescription: {
        StreamArn: STREAM_ARN,
        Shards: page.map((shard) => ({
          ShardId: shard.id,
          ParentShardId: shard.parent,
          SequenceNumberRange: {
            StartingSequenceNumber: '000000000000000000001',
            EndingSequenceNumber: shard.closed ? '999999999999999999999' : undefined,
          },
        })),
        LastEvaluatedShardId: more ? page.at(-1)?.id : undefined,
      },
    };
  }

  #iterator(input: GetShardIteratorCommand['input']): string {
    const shard = this.#shard(input.ShardId!);
    let index = shard.trimmedBefore;
    if (input.ShardIteratorType === 'LATEST') index = shard.records.length;
    if (input.ShardIteratorType === 'AFTER_SEQUENCE_NUMBER') {
      index =
        shard.records.findIndex((record) => record.dynamodb?.SequenceNumber === input.SequenceNumber) + 1;
      if (index <= shard.trimmedBefore) throw awsError('TrimmedDataAccessException');
    }
    const empties = input.ShardIteratorType === 'TRIM_HORIZON' ? shard.emptyPagesFirst : 0;
    return JSON.stringify({ shard: shard.id, index, empties } satisfies Iterator);
  }

  #records(token: string, limit = 1000) {
    const iterator = JSON.parse(token) as Iterator;
    const shard = this.#shard(iterator.shard);
    if (iterator.empties > 0) {
      return {
        Records: [],
        NextShardIterator: JSON.stringify({ ...iterator, empties: iterator.empties - 1 }),
      };
    }
    // Records trimmed after the iterator was taken: as DynamoDB does, GetRecords refuses it.
    if (iterator.index < shard.trimmedBefore) throw awsError('TrimmedDataAccessException');
    const records = shard.records.slice(iterator.index, iterator.index + limit);
    const index = iterator.index + records.length;
    const ended = shard.closed && index >= shard.records.length;
    return {
      Records: records,
      NextShardIterator: ended ? undefined : JSON.stringify({ ...iterator, index }),
    };
  }
}

const fakeTable = {
  StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  LatestStreamArn: STREAM_ARN,
};
const fakeClient = { send: async () => ({ Table: fakeTable }) } as unknown as DynamoDBClient;

const keyOf = (record: DynamoDBRecord): string => record.dynamodb?.Keys?.pk?.S ?? '?';
const runners: StreamRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
});

function start(streams: FakeStreams, options: Partial<StreamRunnerOptions> = {}) {
  const delivered: string[] = [];
  const handler: DynamoDBStreamHandler = async (event) => {
    delivered.push(...event.Records.map(keyOf));
  };
  const runner = new StreamRunner({
    client: fakeClient,
    streamsClient: streams as unknown as DynamoDBStreamsClient,
    tableName: 'events',
    handler,
    pollIntervalMs: 5,
    maxPollIntervalMs: 20,
    retryBaseDelayMs: 1,
    maxRetryDelayMs: 5,
    shardDiscoveryIntervalMs: 50,
    onError: () => {},
    ...options,
  });
  runners.push(runner);
  return { runner, delivered, started: runner.start() };
}

describe('StreamRunner shard handling (fake DynamoDB Streams)', () => {
  it('reads a child shard only after its parent was read to its end, through empty pages', async () => {
    const streams = new FakeStreams();
    streams.addShard('a', { keys: ['a1', 'a2', 'a3'], closed: true, emptyPagesFirst: 3 });
    streams.addShard('b', { parent: 'a', keys: ['b1', 'b2'], closed: true, emptyPagesFirst: 2 });
    streams.addShard('c', { parent: 'b', keys: ['c1'] });
    streams.addShard('orphan', { parent: 'trimmed-long-ago', keys: ['o1'] });
    const { runner, delivered, started } = start(streams, { batchSize: 2 });
    await started;
    await runner.waitForCaughtUp({ timeoutMs: 5_000 });

    const lineage = delivered.filter((key) => key !== 'o1');
    expect(lineage).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'c1']);
    expect(delivered).toContain('o1');
    const position = (call: (typeof streams.calls)[number]) => streams.calls.indexOf(call);
    const lastReadOfA = position(
      streams
        .callsOf('GetRecords')
        .filter((call) => call.input.ShardIterator?.toString().includes('"a"'))
        .at(-1)!,
    );
    expect(position(streams.callsOf('GetShardIterator', 'b')[0]!)).toBeGreaterThan(lastReadOfA);
    expect(runner.stats().shards).toEqual({ reading: 2, waiting: 0, finished: 2 });
  });

  it('lists every shard across DescribeStream pages', async () => {
    const streams = new FakeStreams();
    for (const id of ['s1', 's2', 's3', 's4', 's5']) streams.addShard(id, { keys: [`${id}-x`] });
    const { runner, delivered, started } = start(streams);
    await started;
    await runner.waitForCaughtUp({ timeoutMs: 5_000 });

    expect([...delivered].sort()).toEqual(['s1-x', 's2-x', 's3-x', 's4-x', 's5-x']);
    expect(
      streams
        .callsOf('DescribeStream')
        .slice(0, 3)
        .map((call) => call.input.ExclusiveStartShardId),
    ).toEqual([undefined, 's2', 's4']);
  });

  it('follows a shard rollover that happens while running', async () => {
    const streams = new FakeStreams();
    streams.addShard('old', { keys: ['o1'] });
    const { runner, delivered, started } = start(streams);
    await started;
    await runner.waitForCaughtUp({ timeoutMs: 5_000 });
    streams.write('old', 'o2');
    streams.shards[0]!.closed = true;
    streams.addShard('new', { parent: 'old', keys: ['n1', 'n2'] });
    await runner.waitForCaughtUp({ timeoutMs: 5_000 });

    expect(delivered).toEqual(['o1', 'o2', 'n1', 'n2']);
  });

  it('takes a new iterator after the checkpoint when one expires, without duplicates', async () => {
    const streams = new FakeStreams();
    streams.addShard('s', { keys: ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'] });
    // The second read fails: its iterator expired while the first batch was handled.
    streams.send = wrapNth(streams, 'GetRecords', 2, awsError('ExpiredIteratorException'));
    const { runner, delivered, started } = start(streams, { batchSize: 2 });
    await started;
    await runner.waitForCaughtUp({ timeoutMs: 5_000 });

    expect(delivered).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect(streams.callsOf('GetShardIterator').map((call) => call.input.ShardIteratorType)).toEqual([
      'TRIM_HORIZON',
      'AFTER_SEQUENCE_NUMBER',
    ]);
    expect(streams.callsOf('GetShardIterator')[1]?.input.SequenceNumber).toBe('000000000000000000002');
  });

  it('reports records trimmed before they were read and goes on from the trim horizon', async () => {
    const streams = new FakeStreams();
    const shard = streams.addShard('s', { keys: ['r1', 'r2', 'r3', 'r4', 'r5'] });
    const checkpointStore = new InMemoryCheckpointStore();
    await checkpointStore.put(
      { streamArn: STREAM_ARN, shardId: 's' },
      shard.records[0]!.dynamodb!.SequenceNumber!,
    );
    shard.trimmedBefore = 3;
    const errors: unknown[] = [];
    const { runner, delivered, started } = start(streams, {
      checkpointStore,
      onError: (error) => errors.push(error),
    });
    await started;
    await runner.waitForCaughtUp({ timeoutMs: 5_000 });

    expect(delivered).toEqual(['r4', 'r5']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toSatisfy(isRecordsTrimmedError);
    expect(errors[0]).toMatchObject({ shardId: 's', afterSequenceNumber: '000000000000000000001' });
  });

  it('takes a new iterator, reporting nothing, when GetRecords says trimmed but every record is there', async () => {
    const streams = new FakeStreams();
    const shard = streams.addShard('s', { keys: ['r1', 'r2', 'r3', 'r4', 'r5'] });
    const checkpointStore = new InMemoryCheckpointStore();
    await checkpointStore.put(
      { streamArn: STREAM_ARN, shardId: 's' },
      shard.records[0]!.dynamodb!.SequenceNumber!,
    );
    // What DynamoDB Local answers under load for an iterator whose records are all there.
    streams.fail('GetRecords', awsError('TrimmedDataAccessException'));
    const errors: unknown[] = [];
    const { runner, delivered, started } = start(streams, {
      checkpointStore,
      onError: (error) => errors.push(error),
    });
    await started;
    await runner.waitForCaughtUp({ timeoutMs: 5_000 });

    expect(delivered).toEqual(['r2', 'r3', 'r4', 'r5']);
    expect(errors).toEqual([]);
    expect(streams.callsOf('GetShardIterator').map((call) => call.input.ShardIteratorType)).toEqual([
      'AFTER_SEQUENCE_NUMBER',
      'AFTER_SEQUENCE_NUMBER',
    ]);
  });

  it('reports records trimmed after its iterator was taken, once the checkpoint proves them gone', async () => {
    const streams = new FakeStreams();
    const shard = streams.addShard('s', { keys: ['r1', 'r2', 'r3', 'r4', 'r5'] });
    const checkpointStore = new InMemoryCheckpointStore();
    await checkpointStore.put(
      { streamArn: STREAM_ARN, shardId: 's' },
      shard.records[0]!.dynamodb!.SequenceNumber!,
    );
    const send = streams.send;
    streams.send = async (command: object) => {
      const output = await send(command);
      // The trim happens between taking the iterator and reading with it.
      if (command instanceof GetShardIteratorCommand) shard.trimmedBefore = 3;
      return output;
    };
    const errors: unknown[] = [];
    const { runner, delivered, started } = start(streams, {
      checkpointStore,
      onError: (error) => errors.push(error),
    });
    await started;
    await runner.waitForCaughtUp({ timeoutMs: 5_000 });

    expect(delivered).toEqual(['r4', 'r5']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ shardId: 's', afterSequenceNumber: '000000000000000000001' });
  });

  it('with LATEST skips what the stream held at start, but reads shards that appear later from their start', async () => {
    const streams = new FakeStreams();
    streams.addShard('closed', { keys: ['old-1'], closed: true });
    streams.addShard('open', { parent: 'closed', keys: ['old-2'] });
    const { runner, delivered, started } = start(streams, { startingPosition: 'LATEST' });
    await started;
    await runner.waitForCaughtUp({ timeoutMs: 5_000 });
    streams.write('open', 'new-1');
    streams.shards[1]!.closed = true;
    streams.addShard('child', { parent: 'open', keys: ['new-2', 'new-3'] });
    await runner.waitForCaughtUp({ timeoutMs: 5_000 });

    expect(delivered).toEqual(['new-1', 'new-2', 'new-3']);
  });

  it('serves every open shard with parallelShards 1, one at a time', async () => {
    const streams = new FakeStreams();
    for (const id of ['s1', 's2', 's3']) streams.addShard(id, { keys: [`${id}-a`, `${id}-b`] });
    let inFlight = 0;
    let maxInFlight = 0;
    const handler: DynamoDBStreamHandler = async () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
    };
    const { runner, started } = start(streams, { parallelShards: 1, batchSize: 1, handler });
    await started;
    await runner.waitForCaughtUp({ timeoutMs: 5_000 });

    expect(runner.stats().recordsAcknowledged).toBe(6);
    expect(maxInFlight).toBe(1);
  });

  it('runs different shards in parallel, but never two batches of one shard at once', async () => {
    const streams = new FakeStreams();
    for (const id of ['s1', 's2', 's3'])
      streams.addShard(id, { keys: [1, 2, 3, 4].map((n) => `${id}-${n}`) });
    const inFlight = new Map<string, number>();
    let maxPerShard = 0;
    let maxOverall = 0;
    const order = new Map<string, string[]>();
    const handler: DynamoDBStreamHandler = async (event) => {
      const shard = keyOf(event.Records[0]!).split('-')[0]!;
      inFlight.set(shard, (inFlight.get(shard) ?? 0) + 1);
      maxPerShard = Math.max(maxPerShard, inFlight.get(shard)!);
      maxOverall = Math.max(
        maxOverall,
        [...inFlight.values()].reduce((sum, n) => sum + n, 0),
      );
      await new Promise((resolve) => setTimeout(resolve, 10));
      order.set(shard, [...(order.get(shard) ?? []), ...event.Records.map(keyOf)]);
      inFlight.set(shard, inFlight.get(shard)! - 1);
    };
    const { runner, started } = start(streams, { parallelShards: 3, batchSize: 1, handler });
    await started;
    await runner.waitForCaughtUp({ timeoutMs: 5_000 });

    expect(maxPerShard).toBe(1);
    expect(maxOverall).toBeGreaterThan(1);
    for (const id of ['s1', 's2', 's3']) expect(order.get(id)).toEqual([1, 2, 3, 4].map((n) => `${id}-${n}`));
  });

  it('retries failed stream reads and reports them to onError', async () => {
    const streams = new FakeStreams();
    streams.addShard('s', { keys: ['r1'] });
    streams.fail('GetRecords', awsError('LimitExceededException'), awsError('InternalServerError'));
    const reported: Array<{ name: string; operation: string; shardId?: string }> = [];
    const { runner, delivered, started } = start(streams, {
      onError: (error, context) => reported.push({ name: (error as Error).name, ...context }),
    });
    await started;
    await runner.waitForCaughtUp({ timeoutMs: 5_000 });

    expect(delivered).toEqual(['r1']);
    expect(reported).toEqual([
      { name: 'LimitExceededException', operation: 'GetRecords', shardId: 's' },
      { name: 'InternalServerError', operation: 'GetRecords', shardId: 's' },
    ]);
    expect(runner.stats().errors).toBe(2);
  });

  it('rejects a pending waitForCaughtUp() on stop, and stop() waits for the in-flight batch', async () => {
    const streams = new FakeStreams();
    streams.addShard('s', { keys: ['r1'] });
    let release: () => void = () => {};
    let finished = false;
    const handler: DynamoDBStreamHandler = async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      finished = true;
    };
    const { runner, started } = start(streams, { handler });
    await started;
    const waiting = runner.waitForCaughtUp({ timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const stopping = runner.stop();
    await expect(waiting).rejects.toSatisfy(isRunnerStateError);
    release();
    await stopping;
    expect(finished).toBe(true);
    expect(runner.stats()).toMatchObject({ recordsAcknowledged: 1, batches: 1 });
  });

  it('reports the lag of the newest delivered record', async () => {
    const streams = new FakeStreams();
    streams.addShard('s', { keys: ['r1'] });
    streams.shards[0]!.records[0]!.dynamodb!.ApproximateCreationDateTime = new Date(Date.now() - 60_000);
    const { runner, started } = start(streams);
    expect(runner.stats().lagMs).toBeUndefined();
    await started;
    await runner.waitForCaughtUp({ timeoutMs: 5_000 });

    expect(runner.stats().lagMs).toBeGreaterThanOrEqual(59_000);
    expect(runner.stats().lagMs).toBeLessThan(65_000);
  });
});

/** Makes the n-th call of `command` (1-based) throw `error`, passing every other call through. */
function wrapNth(streams: FakeStreams, command: string, n: number, error: Error): FakeStreams['send'] {
  const send = streams.send;
  let calls = 0;
  return async (sent) => {
    if (sent.constructor.name === `${command}Command`) {
      calls += 1;
      if (calls === n) {
        streams.calls.push({ command, input: (sent as { input: Record<string, unknown> }).input });
        throw error;
      }
    }
    return send(sent);
  };
}
