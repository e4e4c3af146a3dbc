import { EventStore } from '@dynamo-es/event-store';
import { SagaProcess } from '@dynamo-es/sagas';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { eventItems, toStreamRecord } from '../../projections/test/support/stream-records.js';
import { type Charge, orders } from './fixtures/sagas.js';
import { lines, runCli } from './support/cli.js';
import { createTables } from './support/tables.js';

// The saga of the sagas module fixture; here its one command always fails, so instances get stuck.
let tables: { events: string; readModels: string };
let env: Record<string, string>;
let store: EventStore;
const orderId = uniqueId('order');
const retried = uniqueId('order');

/** Delivers the streams' events to the saga's handler, as Lambda would. */
async function deliver(process: SagaProcess<{ readonly charging: boolean }, Charge>, streamIds: string[]) {
  const items = await eventItems(testClient(), tables.events, streamIds);
  await process.streamHandler()({ Records: items.map((item) => toStreamRecord(item, tables.events)) });
}

beforeAll(async () => {
  tables = await createTables();
  env = { DYNAMO_ES_EVENTS_TABLE: tables.events };
  store = new EventStore({ client: testClient(), tableName: tables.events });
  const process = new SagaProcess({
    saga: orders,
    eventStore: store,
    commands: {
      Charge: async () => {
        throw new Error('payments are down');
      },
    },
    maxAttempts: 1,
    commandRetry: { attempts: 1 },
  });
  for (const id of [orderId, retried]) {
    await store.append(`order-${id}`, [{ type: 'OrderPlaced', data: { orderId: id } }], {
      expectedVersion: 'no-stream',
    });
    await deliver(process, [`order-${id}`]);
    await deliver(process, [process.streamIdOf(id)]);
  }
});

describe('dynamo-es sagas', () => {
  it('lists running instances, and the stuck ones', async () => {
    const all = await runCli(['sagas', 'list', '--saga', 'orders'], env);
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    const [heading, ...rows] = lines(all.stdout);
    expect(heading).toMatch(/^SAGA ID\s+WAITING SINCE\s+PENDING\s+NEXT DEADLINE\s+STUCK\s+STATE$/);
    const row = rows.find((line) => line.startsWith(orderId));
    expect(row).toMatch(new RegExp(`^${orderId}\\s+\\S+Z\\s+1\\s+-\\s+-\\s+\\{"charging":true\\}$`));
    const stuck = await runCli(
      ['sagas', 'list', '--saga', 'orders', '--stuck', '--stuck-for', '0', '--json'],
      env,
    );
    expect(stuck.code).toBe(0);
    const stuckOnes = lines(stuck.stdout).map((line) => JSON.parse(line) as { sagaId: string });
    expect(stuckOnes.find((saga) => saga.sagaId === orderId)).toMatchObject({
      sagaId: orderId,
      stuck: 'command-pending',
      pending: [{ type: 'Charge', key: `saga:orders:${orderId}:1:0` }],
    });
    const none = await runCli(['sagas', 'list', '--saga', 'orders', '--stuck'], env);
    expect(lines(none.stdout)).toEqual(['No stuck orders sagas.']);
  });

  it('abandons one, which then is no longer listed; refuses an unknown one', async () => {
    const abandoned = await runCli(
      ['sagas', 'abandon', orderId, '--saga', 'orders', '--reason', 'refunded by hand'],
      env,
    );
    expect(abandoned.stderr).toBe('');
    expect(lines(abandoned.stdout)).toEqual([`orders ${orderId}: abandoned (version 2).`]);
    const { events } = await store.readStream(`saga.orders.${orderId}`);
    expect(events.at(-1)).toMatchObject({
      type: 'SagaAbandoned',
      data: { trigger: { reason: 'refunded by hand' } },
    });
    const listed = await runCli(['sagas', 'list', '--saga', 'orders', '--json'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(orderId);
    expect(listed.stdout).toContain(retried);
    const unknown = await runCli(['sagas', 'abandon', 'nope', '--saga', 'orders', '--reason', 'x'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: Saga orders has no instance nope: nothing correlated to it yet\n');
  });

  it('retries one with the commands of the sagas module: sent again once, no longer pending', async () => {
    const result = await runCli(
      ['sagas', 'retry', retried, '--saga', 'orders', '--sagas', 'test/fixtures/sagas.ts'],
      env,
    );
    expect(result.stderr).toBe('');
    expect(lines(result.stdout)).toEqual([
      `orders ${retried}: sent 1 pending command; 0 pending now, running (version 2).`,
    ]);
    const { events } = await store.readStream(`charge-${retried}`);
    expect(events).toMatchObject([
      { type: 'Charged', data: { idempotencyKey: `saga:orders:${retried}:1:0` } },
    ]);
    const again = await runCli(
      ['sagas', 'retry', retried, '--saga', 'orders', '--sagas', 'test/fixtures/sagas.ts'],
      env,
    );
    expect(lines(again.stdout)).toEqual([
      `orders ${retried}: sent 0 pending commands; 0 pending now, running (version 2).`,
    ]);
    const missing = await runCli(
      ['sagas', 'retry', retried, '--saga', 'payments', '--sagas', 'test/fixtures/sagas.ts'],
      env,
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^error: sagas module test\/fixtures\/sagas.ts: it exports no \{ saga, commands \} for saga "payments" \(found: orders\)/,
    );
  });

  it('refuses a saga name that cannot be one, before any request', async () => {
    const result = await runCli(['sagas', 'list', '--saga', 'a.b'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: Invalid sagaName: expected 1-64 letters, digits, _ or -/);
  });
});
