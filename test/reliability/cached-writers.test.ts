import { createEventTable, EventStore } from '@dynamo-es/event-store';
import { describe, expect, it } from 'vitest';
import { testClient, testEndpoint, uniqueId } from '../support/dynamodb.js';
import { runScript } from './support/worker-process.js';

const COUNT = 40;

/**
 * Two real processes write one stream through repositories with state caches (each process its
 * own cache, its own memory of versions): neither may lose a write, and once both are done, a
 * command that decides nothing shows each of them exactly what the store holds.
 */
describe('two processes with state caches writing the same stream', () => {
  it.each([false, true])(
    'never lose a write and converge to the fold of the store (optimistic: %s)',
    async (optimistic) => {
      const tableName = uniqueId('cached-writers');
      await createEventTable(testClient(), { tableName });
      const streamId = uniqueId('stream');
      const writers = [0, 1000].map((base) =>
        runScript('test/reliability/fixtures/cached-writer.ts', {
          env: {
            DYNAMODB_ENDPOINT: testEndpoint(),
            EVENTS_TABLE: tableName,
            STREAM_ID: streamId,
            COUNT: String(COUNT),
            TOTAL: String(2 * COUNT),
            AMOUNT_BASE: String(base),
            OPTIMISTIC: optimistic ? '1' : '0',
          },
        }),
      );
      const seen = await Promise.all(
        writers.map(async (writer) => {
          const line = await writer.waitForLine('{', 170_000);
          expect(await writer.exited, writer.output()).toBe(0);
          const { version, state } = JSON.parse(line) as { version: number; state: unknown };
          return { version, state };
        }),
      );
      const { events, version } = await new EventStore({ client: testClient(), tableName }).readStream<{
        type: 'Deposited';
        data: { amount: number };
      }>(streamId);
      const amounts = events.map((event) => event.data.amount).sort((a, b) => a - b);
      const sent = [0, 1000].flatMap((base) => Array.from({ length: COUNT }, (_, n) => base + n));
      expect(amounts).toEqual(sent);
      expect(version).toBe(2 * COUNT);
      const total = sent.reduce((sum, amount) => sum + amount, 0);
      for (const view of seen) expect(view).toEqual({ version, state: { total, count: 2 * COUNT } });
    },
  );
});
