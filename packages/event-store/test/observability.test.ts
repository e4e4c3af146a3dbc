import { beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedMetrics, type Logger, type Metrics, withSpan } from '../src/index.js';
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

  it('writes CloudWatch embedded metric format lines', () => {
    const lines: string[] = [];
    const metrics = createEmbeddedMetrics({
      namespace: 'Bank',
      dimensions: { service: 'bank' },
      write: (line) => lines.push(line),
      now: () => 1_700_000_000_000,
    });
    metrics.record('EventsAppended', 3, 'Count', { table: 'events' });
    expect(JSON.parse(lines[0]!)).toEqual({
      _aws: {
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: 'Bank',
            Dimensions: [['service', 'table']],
            Metrics: [{ Name: 'EventsAppended', Unit: 'Count' }],
          },
        ],
      },
      service: 'bank',
      table: 'events',
      EventsAppended: 3,
    });
  });

  it('runs work without OpenTelemetry installed, passing results and errors through', async () => {
    expect(await withSpan('x', { a: 1 }, async () => 42)).toBe(42);
    await expect(withSpan('x', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});
