import { EventStore } from '@dynamo-es/event-store';
import { defineSaga, SagaProcess } from '@dynamo-es/sagas';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { eventItems, toStreamRecord } from '../../projections/test/support/stream-records.js';
import { lines, runCli } from './support/cli.js';
import { createTables } from './support/tables.js';

// A saga whose one command always fails: its instances get stuck with the command pending.
type OrderEvent = { readonly type: 'OrderPlaced'; readonly data: { readonly orderId: string } };
type Charge = { readonly type: 'Charge'; readonly data: { readonly orderId: string } };
const orders = defineSaga<OrderEvent, { readonly charging: boolean }, Charge>({
  name: 'orders',
  initialState: () => ({ charging: false }),
  correlate: { OrderPlaced: (event) => event.data.orderId },
  on: {
    OrderPlaced: (_state, event) => ({
      state: { charging: true },
      commands: [{ type: 'Charge', data: { orderId: event.data.orderId } }],
    }),
  },
});

let tables: { events: string; readModels: string };
let env: Record<string, string>;
let store: EventStore;
const orderId = uniqueId('order');

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
  await store.append(`order-${orderId}`, [{ type: 'OrderPlaced', data: { orderId } }], {
    expectedVersion: 'no-stream',
  });
  await deliver(process, [`order-${orderId}`]);
  await deliver(process, [process.streamIdOf(orderId)]);
});

describe('dynamo-es sagas', () => {
  it('lists running instances, and the stuck ones', async () => {
    const all = await runCli(['sagas', 'list', '--saga', 'orders'], env);
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    const [heading, row] = lines(all.stdout);
    expect(heading).toMatch(/^SAGA ID\s+WAITING SINCE\s+PENDING\s+NEXT DEADLINE\s+STUCK\s+STATE$/);
    expect(row).toMatch(new RegExp(`^${orderId}\\s+\\S+Z\\s+1\\s+-\\s+-\\s+\\{"charging":true\\}$`));
    const stuck = await runCli(
      ['sagas', 'list', '--saga', 'orders', '--stuck', '--stuck-for', '0', '--json'],
      env,
    );
    expect(stuck.code).toBe(0);
    expect(JSON.parse(lines(stuck.stdout)[0] ?? '{}')).toMatchObject({
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
    expect(lines((await runCli(['sagas', 'list', '--saga', 'orders'], env)).stdout)).toEqual([
      'No running orders sagas.',
    ]);
    const unknown = await runCli(['sagas', 'abandon', 'nope', '--saga', 'orders', '--reason', 'x'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: Saga orders has no instance nope: nothing correlated to it yet\n');
  });

  it('refuses a saga name that cannot be one, before any request', async () => {
    const result = await runCli(['sagas', 'list', '--saga', 'a.b'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: Invalid sagaName: expected 1-64 letters, digits, _ or -/);
  });
});
