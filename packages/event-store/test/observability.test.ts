import { beforeAll, describe, expect, it } from 'vitest';
import {
  createEmbeddedMetrics,
  createJsonLogger,
  instrumentHandler,
  isInvalidInputError,
  type Logger,
  type Metrics,
  withSpan,
} from '../src/index.js';
import { event, eventsTable, newStreamId } from './fixture.js';

let table: Awaited<ReturnType<typeof eventsTable>>;
beforeAll(async () => {
  table = await eventsTable();
});

function recorders() {
  const logs: { level: string; message: string; attributes?: Record<string, unknown> }[] = [];
  const metrics: { name: string; value: number; unit: string }[] = [];
  const at = (level: string) => (message: string, attributes?: Record<string, unknown>) =>
    logs.push({ level, message, ...(attributes ? { attributes } : {}) });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  const sink: Metrics = { record: (name, value, unit) => metrics.push({ name, value, unit }) };
  return { logs, metrics, logger, sink };
}

describe('observability hooks', () => {
  it('records appended events and conflicts with the facts of the conflict', async () => {
    const { logs, metrics, logger, sink } = recorders();
    const store = table.newStore({ logger, metrics: sink });
    const streamId = newStreamId();
    await store.append(streamId, [event(), event()], { expectedVersion: 'no-stream' });
    await expect(store.append(streamId, [event()], { expectedVersion: 1 })).rejects.toThrow();
    expect(metrics).toEqual([
      { name: 'EventsAppended', value: 2, unit: 'Count' },
      { name: 'AppendConflicts', value: 1, unit: 'Count' },
    ]);
    expect(logs).toEqual([
      {
        level: 'debug',
        message: 'dynamo-es: append conflict',
        attributes: { streamId, expectedVersion: 1, actualVersion: 2 },
      },
    ]);
  });

  it("reports retries of racing 'any' appends", async () => {
    const { metrics, sink } = recorders();
    const streamId = newStreamId();
    await Promise.all(
      Array.from({ length: 10 }, () =>
        table
          .newStore({ metrics: sink, maxAppendAttempts: 50 })
          .append(streamId, [event()], { expectedVersion: 'any' }),
      ),
    );
    const retries = metrics.filter((m) => m.name === 'AppendRetries').length;
    expect(retries).toBeGreaterThan(0);
    expect(metrics.filter((m) => m.name === 'EventsAppended')).toHaveLength(10);
  });

  it('buffers EMF until flush: one line per dimension set, every value of a metric in an array', () => {
    const lines: string[] = [];
    const metrics = createEmbeddedMetrics({
      namespace: 'Bank',
      dimensions: { service: 'bank' },
      write: (line) => lines.push(line),
      now: () => 1_700_000_000_000,
    });
    metrics.record('EventsAppended', 3, 'Count');
    metrics.record('EventsAppended', 1, 'Count');
    metrics.record('AppendConflicts', 1, 'Count');
    metrics.record('EventsProjected', 7, 'Count', { projection: 'accounts' });
    expect(lines).toEqual([]);
    expect(metrics.pending).toBe(4);
    metrics.flush();
    expect(metrics.pending).toBe(0);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        _aws: {
          Timestamp: 1_700_000_000_000,
          CloudWatchMetrics: [
            {
              Namespace: 'Bank',
              Dimensions: [['service']],
              Metrics: [
                { Name: 'EventsAppended', Unit: 'Count' },
                { Name: 'AppendConflicts', Unit: 'Count' },
              ],
            },
          ],
        },
        service: 'bank',
        EventsAppended: [3, 1],
        AppendConflicts: 1,
      },
      {
        _aws: {
          Timestamp: 1_700_000_000_000,
          CloudWatchMetrics: [
            {
              Namespace: 'Bank',
              Dimensions: [['service', 'projection']],
              Metrics: [{ Name: 'EventsProjected', Unit: 'Count' }],
            },
          ],
        },
        service: 'bank',
        projection: 'accounts',
        EventsProjected: 7,
      },
    ]);
    metrics.flush();
    expect(lines).toHaveLength(2);
  });

  it("flushes a metric at CloudWatch's limit of 100 values without waiting for flush()", () => {
    const lines: string[] = [];
    const metrics = createEmbeddedMetrics({ namespace: 'Bank', write: (line) => lines.push(line) });
    for (let i = 0; i < 250; i++) metrics.record('EventsAppended', i, 'Count');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!).EventsAppended).toHaveLength(100);
    expect(metrics.pending).toBe(50);
  });

  it('flushes once per invocation through instrumentHandler, also when the handler throws', async () => {
    const lines: string[] = [];
    const metrics = createEmbeddedMetrics({ namespace: 'Bank', write: (line) => lines.push(line) });
    const handler = instrumentHandler(
      async (fail: boolean) => {
        metrics.record('EventsAppended', 1, 'Count');
        metrics.record('EventsAppended', 2, 'Count');
        if (fail) throw new Error('boom');
        return 'ok';
      },
      { metrics },
    );
    expect(await handler(false, { awsRequestId: 'r-1' })).toBe('ok');
    await expect(handler(true, { awsRequestId: 'r-2' })).rejects.toThrow('boom');
    expect(lines.map((line) => JSON.parse(line).EventsAppended)).toEqual([
      [1, 2],
      [1, 2],
    ]);
  });

  it('writes JSON log lines with the request id, and cold start only on the first invocation', async () => {
    const lines: string[] = [];
    const logger = createJsonLogger({
      serviceName: 'bank',
      level: 'DEBUG',
      write: (line) => lines.push(line),
      now: () => new Date(0),
    });
    const handler = instrumentHandler(
      async () => logger.warn('dynamo-es: snapshot failed', { error: new TypeError('bad'), streamId: 's-1' }),
      { logger },
    );
    await handler({}, { awsRequestId: 'r-1', functionName: 'bank-http' });
    await handler({}, { awsRequestId: 'r-2', functionName: 'bank-http' });
    const [first, second] = lines.map((line) => JSON.parse(line));
    expect(first).toMatchObject({
      level: 'WARN',
      message: 'dynamo-es: snapshot failed',
      timestamp: '1970-01-01T00:00:00.000Z',
      service: 'bank',
      cold_start: true,
      function_request_id: 'r-1',
      function_name: 'bank-http',
      streamId: 's-1',
      error: { name: 'TypeError', message: 'bad' },
    });
    expect(second).toMatchObject({ cold_start: false, function_request_id: 'r-2' });
  });

  it('drops lines below its level', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ level: 'WARN', write: (line) => lines.push(line) });
    logger.debug('a');
    logger.info('b');
    logger.error('c');
    expect(lines.map((line) => JSON.parse(line).message)).toEqual(['c']);
  });

  it('refuses a logger, metrics or tracer without the methods it needs, naming the option', () => {
    const bad = [
      { logger: { info: () => {} } },
      { metrics: { put: () => {} } },
      { tracer: {} },
    ] as unknown as Parameters<typeof table.newStore>[0][];
    for (const options of bad) {
      let caught: unknown;
      try {
        table.newStore(options);
      } catch (error) {
        caught = error;
      }
      expect(isInvalidInputError(caught)).toBe(true);
      expect((caught as { path: string }).path).toBe(Object.keys(options ?? {})[0]);
    }
  });

  it('runs work without OpenTelemetry installed, passing results and errors through', async () => {
    expect(await withSpan('x', { a: 1 }, async () => 42)).toBe(42);
    await expect(withSpan('x', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});
