import { EventStore, type Logger, type Metrics, type MetricUnit } from '@dynamo-es/event-store';
import type { DynamoDBRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { ReadModels } from '../src/index.js';
import { type BankEvent, bankProjection, createTables } from './support/bank.js';
import { eventItems, toStreamRecord } from './support/stream-records.js';

// Connected: the handler, rebuild and replay run against DynamoDB Local; only the logger and the
// metrics sink are fakes, and they record what they are told.

interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes: Record<string, unknown>;
}
interface Metric {
  readonly name: string;
  readonly value: number;
  readonly unit: MetricUnit;
  readonly dimensions: Record<string, string> | undefined;
}

function recorder() {
  const lines: LogLine[] = [];
  const metrics: Metric[] = [];
  const log =
    (level: LogLine['level']) =>
    (message: string, attributes: Record<string, unknown> = {}) =>
      lines.push({ level, message, attributes });
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const sink: Metrics = {
    record: (name, value, unit, dimensions) => metrics.push({ name, value, unit, dimensions }),
  };
  return {
    logger,
    sink,
    lines,
    metrics,
    line: (text: string) => lines.filter((line) => line.message.includes(text)),
    metric: (name: string) => metrics.filter((metric) => metric.name === name),
  };
}

const client = testClient();
const RECORDED_AT = new Date('2024-05-01T12:00:00.000Z');
let tables: { eventsTable: string; readModelTable: string };

beforeAll(async () => {
  tables = await createTables(client);
});

/** A store whose events are all recorded at {@link RECORDED_AT}, reporting to `observed`. */
function storeFor(observed?: ReturnType<typeof recorder>) {
  return new EventStore<BankEvent>({
    client,
    tableName: tables.eventsTable,
    now: () => RECORDED_AT,
    ...(observed ? { logger: observed.logger, metrics: observed.sink } : {}),
  });
}

/** A stream of one account with `deposits` deposits; returns its records in version order. */
async function seed(
  store: EventStore<BankEvent>,
  deposits = 2,
): Promise<{ streamId: string; records: DynamoDBRecord[] }> {
  const streamId = `${uniqueId('bank')}/account`;
  await store.append(
    streamId,
    [
      { type: 'AccountOpened', data: { owner: 'ada' } },
      ...Array.from({ length: deposits }, () => ({ type: 'MoneyDeposited' as const, data: { amount: 5 } })),
    ],
    { expectedVersion: 'no-stream' },
  );
  const items = await eventItems(client, tables.eventsTable, [streamId]);
  return { streamId, records: items.map((item) => toStreamRecord(item, tables.eventsTable)) };
}

function handlerFor(options: {
  observed: ReturnType<typeof recorder>;
  projection: ReturnType<typeof bankProjection>;
  store: EventStore<BankEvent>;
  viaStore?: boolean;
}) {
  const { observed, projection, store } = options;
  return new ReadModels({
    client,
    eventStore: store,
    tableName: tables.readModelTable,
    now: () => new Date(RECORDED_AT.getTime() + 1_500),
    ...(options.viaStore ? {} : { logger: observed.logger, metrics: observed.sink }),
  }).streamHandler([projection], { maxAttempts: 2 });
}

describe('stream handler hooks', () => {
  it("reports a normal batch at debug with its counts and lag, through the event store's logger and metrics", async () => {
    const observed = recorder();
    const store = storeFor(observed);
    const projection = bankProjection();
    const { records } = await seed(store);
    const handler = handlerFor({ observed, projection, store, viaStore: true });

    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });

    const [batch] = observed.line('projection batch processed');
    expect(batch).toMatchObject({
      level: 'debug',
      attributes: {
        projection: projection.name,
        projectionVersion: 1,
        records: 3,
        applied: 3,
        duplicatesSkipped: 0,
        gapsFilled: 0,
        deadLettered: 0,
        streamsFailed: 0,
        transactions: 1,
        conflictRounds: 0,
        lagMs: 1_500,
      },
    });
    expect(batch?.attributes.durationMs).toEqual(expect.any(Number));
    const dimensions = { projection: projection.name };
    expect(observed.metric('EventsProjected')).toEqual([
      { name: 'EventsProjected', value: 3, unit: 'Count', dimensions },
    ]);
    expect(observed.metric('ProjectionLag')).toEqual([
      { name: 'ProjectionLag', value: 1_500, unit: 'Milliseconds', dimensions },
    ]);
    expect(observed.metric('DuplicatesSkipped')).toEqual([]);
    expect(observed.metric('BatchFailures')).toEqual([]);
  });

  it('counts duplicates skipped and reports the batch at info', async () => {
    const observed = recorder();
    const store = storeFor();
    const projection = bankProjection();
    const { records } = await seed(store);
    const handler = handlerFor({ observed, projection, store });

    await handler({ Records: records.slice(0, 2) });
    await handler({ Records: records });

    const batches = observed.line('projection batch processed');
    expect(batches.map((line) => line.level)).toEqual(['debug', 'info']);
    expect(batches[1]?.attributes).toMatchObject({
      records: 3,
      applied: 1,
      duplicatesSkipped: 2,
      gapsFilled: 0,
    });
    expect(observed.metric('DuplicatesSkipped').map((metric) => metric.value)).toEqual([2]);
    expect(observed.metric('EventsProjected').map((metric) => metric.value)).toEqual([2, 1]);
  });

  it('counts the events read from the store to fill a gap', async () => {
    const observed = recorder();
    const store = storeFor();
    const projection = bankProjection();
    const { records } = await seed(store, 3);

    await handlerFor({ observed, projection, store })({ Records: records.slice(3) });

    expect(observed.line('projection batch processed')[0]).toMatchObject({
      level: 'info',
      attributes: { records: 1, applied: 4, gapsFilled: 3, duplicatesSkipped: 0 },
    });
    expect(observed.metric('GapsFilled')).toEqual([
      { name: 'GapsFilled', value: 3, unit: 'Count', dimensions: { projection: projection.name } },
    ]);
  });

  it('warns on a failed attempt, then reports the dead-lettered event with its projection, stream, version, id and error', async () => {
    const observed = recorder();
    const store = storeFor();
    const projection = bankProjection({
      fault: (event) => {
        if (event.version === 2) throw new Error('poison deposit');
      },
    });
    const { streamId, records } = await seed(store);
    const handler = handlerFor({ observed, projection, store });
    const poison = (await store.readStream(streamId)).events[1];

    const first = await handler({ Records: records });
    expect(first.batchItemFailures).toHaveLength(1);
    expect(observed.line('will be retried')).toEqual([
      {
        level: 'warn',
        message: 'dynamo-es: projection handler failed; the event will be retried',
        attributes: {
          projection: projection.name,
          projectionVersion: 1,
          streamId,
          version: 2,
          attempts: 1,
          errorName: 'Error',
          error: 'poison deposit',
        },
      },
    ]);
    expect(observed.line('projection batch processed')[0]?.attributes).toMatchObject({
      applied: 1,
      streamsFailed: 1,
    });
    expect(observed.metric('BatchFailures').map((metric) => metric.value)).toEqual([1]);

    await handler({ Records: records.slice(1) });
    expect(observed.line('dead-lettered')).toEqual([
      {
        level: 'error',
        message: 'dynamo-es: projection event dead-lettered',
        attributes: {
          projection: projection.name,
          projectionVersion: 1,
          streamId,
          version: 2,
          eventId: poison?.eventId,
          eventType: 'MoneyDeposited',
          attempts: 2,
          errorName: 'Error',
          error: 'poison deposit',
        },
      },
    ]);
    expect(observed.metric('DeadLettered')).toEqual([
      { name: 'DeadLettered', value: 1, unit: 'Count', dimensions: { projection: projection.name } },
    ]);
    expect(observed.line('projection batch processed')[1]?.attributes).toMatchObject({
      deadLettered: 1,
      streamsFailed: 0,
    });
  });

  it('never fails a batch because the logger or the metrics sink throws', async () => {
    const store = storeFor();
    const projection = bankProjection();
    const { records } = await seed(store);
    const broken = () => {
      throw new Error('sink down');
    };
    const handler = new ReadModels({
      client,
      eventStore: store,
      tableName: tables.readModelTable,
      logger: { debug: broken, info: broken, warn: broken, error: broken },
      metrics: { record: broken },
    }).streamHandler([projection]);

    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
  });
});

describe('rebuild and replay hooks', () => {
  it('logs the start and summary of a rebuild, its dead letters, and a replay summary', async () => {
    const observed = recorder();
    const own = await createTables(client);
    const store = new EventStore<BankEvent>({ client, tableName: own.eventsTable });
    const state = { broken: true };
    const projection = bankProjection({
      fault: (event) => {
        if (state.broken && event.version === 2) throw new Error('poison deposit');
      },
    });
    await store.append(
      'bank/a',
      [
        { type: 'AccountOpened', data: { owner: 'ada' } },
        { type: 'MoneyDeposited', data: { amount: 1 } },
      ],
      {
        expectedVersion: 'no-stream',
      },
    );
    const readModels = new ReadModels({
      client,
      eventStore: store,
      tableName: own.readModelTable,
      logger: observed.logger,
      metrics: observed.sink,
    });

    await readModels.rebuild(projection);
    expect(observed.line('rebuild started')[0]).toMatchObject({
      level: 'info',
      attributes: { projection: projection.name },
    });
    expect(observed.line('rebuild finished')[0]).toMatchObject({
      level: 'info',
      attributes: {
        projection: projection.name,
        projectionVersion: 1,
        events: 2,
        streams: 1,
        deadLetters: 1,
      },
    });
    expect(observed.line('dead-lettered')[0]).toMatchObject({
      level: 'error',
      attributes: { streamId: 'bank/a', version: 2, error: 'poison deposit' },
    });

    state.broken = false;
    await readModels.deadLetters.replay(projection);
    expect(observed.line('dead letters replayed')[0]).toMatchObject({
      level: 'info',
      attributes: { projection: projection.name, replayed: 1, failed: 0 },
    });
    expect(observed.metric('DeadLettersReplayed').map((metric) => metric.value)).toEqual([1]);
  });
});
