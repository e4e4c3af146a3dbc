import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrencyError, type Tracer as StoreTracer, withSpan } from '../src/index.js';
import { event, eventsTable, newStreamId } from './fixture.js';

// Powertools' Tracer, the real package, in the mode it has in Lambda: the X-Ray SDK sends every
// closed subsegment to the daemon over UDP, and this test is the daemon (on 127.0.0.1).

interface SentSubsegment {
  readonly name: string;
  readonly annotations?: Record<string, unknown>;
  readonly fault?: boolean;
  readonly error?: boolean;
  readonly cause?: { exceptions?: { type?: string; message?: string }[] };
  readonly parent_id?: string;
  readonly id: string;
}

let daemon: Socket;
const received: SentSubsegment[] = [];
let tracer: Tracer;
const saved = { ...process.env };

beforeAll(async () => {
  daemon = createSocket('udp4');
  daemon.on('message', (message) => {
    const [, body] = message.toString('utf8').split('\n');
    if (body) received.push(JSON.parse(body) as SentSubsegment);
  });
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    LAMBDA_TASK_ROOT: '/var/task',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
    AWS_LAMBDA_FUNCTION_NAME: 'bank-http',
    _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${(daemon.address() as AddressInfo).port}`,
    AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    AWS_XRAY_LOG_LEVEL: 'silent',
    POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS: 'false',
  });
  // Loaded after the environment is set: the X-Ray SDK detects Lambda when it loads.
  const { Tracer } = await import('@aws-lambda-powertools/tracer');
  tracer = new Tracer({ serviceName: 'bank' });
});

afterAll(() => {
  daemon?.close();
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
});

async function sent(name: string, count: number): Promise<SentSubsegment[]> {
  for (let waited = 0; waited < 5_000; waited += 20) {
    const found = received.filter((subsegment) => subsegment.name === name);
    if (found.length >= count) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no ${count} subsegment(s) named ${name} reached the daemon`);
}

describe("Powertools' Tracer, passed as it is", () => {
  it('is a Tracer the store takes (compile time)', () => {
    const asOption: StoreTracer = tracer;
    expect(asOption.constructor.name).toBe('Tracer');
  });

  it('gets a dynamo-es.append subsegment per append, annotated with the streams', async () => {
    const table = await eventsTable();
    const store = table.newStore({ tracer });
    const streamId = newStreamId();
    await store.append(streamId, [event()], { expectedVersion: 'no-stream' });
    const [append] = await sent('dynamo-es.append', 1);
    expect(append?.annotations).toEqual({ dynamo_es_streams: streamId });
    expect(append?.fault ?? false).toBe(false);

    await expect(store.append(streamId, [event()], { expectedVersion: 0 })).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    const failed = (await sent('dynamo-es.append', 2))[1];
    expect(failed?.cause?.exceptions?.[0]).toMatchObject({ type: 'ConcurrencyError' });
  });

  it('nests concurrent spans under their own parents', async () => {
    const outer = ['outer-a', 'outer-b'];
    await Promise.all(
      outer.map((name) =>
        withSpan(
          name,
          {},
          () => withSpan(`${name}-inner`, { step: 1 }, async () => undefined, tracer),
          tracer,
        ),
      ),
    );
    for (const name of outer) {
      const [parent] = await sent(name, 1);
      const [child] = await sent(`${name}-inner`, 1);
      expect(child?.parent_id).toBe(parent?.id);
      expect(child?.annotations).toEqual({ step: 1 });
    }
  });
});
