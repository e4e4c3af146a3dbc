import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type EventStore,
  instrumentHandler,
  type MetricsSink,
  type Logger as StoreLogger,
} from '../src/index.js';
import { event, eventsTable, newStreamId } from './fixture.js';

// Powertools for AWS Lambda 2.x, the real packages, passed as they are: these assignments are the
// compile-time half of the test (TS2322 on `debug` before the store's Logger took rest parameters).
const powertoolsLogger: StoreLogger = new Logger({ serviceName: 'bank', logLevel: 'DEBUG' });
const powertoolsMetrics: MetricsSink = new Metrics({ namespace: 'Bank', serviceName: 'bank' });
void powertoolsLogger;
void powertoolsMetrics;

let table: Awaited<ReturnType<typeof eventsTable>>;
beforeAll(async () => {
  table = await eventsTable();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Lines Powertools writes to stdout while `fn` runs, parsed. */
async function stdoutLines(fn: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
    const text = String(chunk);
    if (text.trimStart().startsWith('{')) lines.push(...text.split('\n').filter((line) => line.trim()));
    else write(chunk, ...rest);
    return true;
  }) as typeof process.stdout.write);
  await fn();
  vi.restoreAllMocks();
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

const lambdaContext = (awsRequestId: string): Context => ({
  awsRequestId,
  functionName: 'bank-http',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:bank-http',
  memoryLimitInMB: '1024',
  callbackWaitsForEmptyEventLoop: true,
  logGroupName: '/aws/lambda/bank-http',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 10_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
});

/** A handler that appends twice to a new stream and then conflicts once. */
const conflictingHandler = (store: EventStore) => async () => {
  const streamId = newStreamId();
  await store.append(streamId, [event()], { expectedVersion: 'no-stream' });
  await store.append(streamId, [event()], { expectedVersion: 1 });
  await store.append(streamId, [event()], { expectedVersion: 1 }).catch(() => undefined);
  return streamId;
};

describe('Powertools for AWS Lambda, passed as they are', () => {
  it("Logger: the store's lines are Powertools lines with the request id and cold start", async () => {
    const logger = new Logger({ serviceName: 'bank', logLevel: 'DEBUG' });
    const store = table.newStore({ logger });
    const handler = instrumentHandler(conflictingHandler(store), { logger });
    let streamId = '';
    const lines = await stdoutLines(async () => {
      streamId = await handler({}, lambdaContext('request-1'));
    });
    const conflict = lines.find((line) => line.message === 'dynamo-es: append conflict');
    expect(conflict).toMatchObject({
      level: 'DEBUG',
      service: 'bank',
      function_request_id: 'request-1',
      function_name: 'bank-http',
      cold_start: expect.any(Boolean),
      streamId,
      expectedVersion: 1,
      actualVersion: 2,
    });
  });

  it('Metrics: one EMF line per invocation, every value in it, published by instrumentHandler', async () => {
    const metrics = new Metrics({ namespace: 'Bank', serviceName: 'bank' });
    const store = table.newStore({ metrics });
    const handler = instrumentHandler(conflictingHandler(store), { metrics });
    const lines = await stdoutLines(() => handler({}, lambdaContext('request-2')));
    const emf = lines.filter((line) => '_aws' in line);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'Bank', Dimensions: [['service']] }] },
      service: 'bank',
      EventsAppended: [1, 1],
      AppendConflicts: 1,
    });
  });

  it('Metrics: metrics with dimensions of their own get a line each, with those dimensions', async () => {
    const metrics = new Metrics({ namespace: 'Bank', serviceName: 'bank' });
    const store = table.newStore({ metrics });
    const lines = await stdoutLines(async () => {
      store.metrics.record('EventsProjected', 3, 'Count', { projection: 'accounts' });
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ projection: 'accounts', service: 'bank', EventsProjected: 3 });
  });
});
