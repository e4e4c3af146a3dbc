import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { isUpcastError, UpcasterChain, type Upcasters } from '../src/index.js';
import { eventsTable, newStreamId } from './fixture.js';

const upcasters: Upcasters = {
  MoneyDeposited: {
    1: (data) => ({ ...(data as object), currency: 'EUR' }),
    2: (data) => {
      const { amount, ...rest } = data as { amount: number };
      return { ...rest, amountInCents: amount * 100 };
    },
  },
};

let table: Awaited<ReturnType<typeof eventsTable>>;
beforeAll(async () => {
  table = await eventsTable();
});

describe('upcasting', () => {
  it('upcasts v1 events through the chain v1 -> v2 -> v3 on every read path', async () => {
    const streamId = newStreamId();
    await table
      .newStore()
      .append(streamId, [{ type: 'MoneyDeposited', data: { amount: 5 } }], { expectedVersion: 0 });
    const v2Store = table.newStore({ upcasters: { MoneyDeposited: { 1: upcasters.MoneyDeposited![1]! } } });
    await v2Store.append(streamId, [{ type: 'MoneyDeposited', data: { amount: 7, currency: 'USD' } }], {
      expectedVersion: 1,
    });
    const store = table.newStore({ upcasters });
    const expected = [
      { amountInCents: 500, currency: 'EUR' },
      { amountInCents: 700, currency: 'USD' },
    ];
    const { events } = await store.readStream(streamId);
    expect(events.map((e) => e.data)).toEqual(expected);
    expect(events.map((e) => e.schemaVersion)).toEqual([3, 3]);
    const read = [];
    for await (const e of store.read(streamId, { direction: 'backward' })) read.push(e.data);
    expect(read).toEqual([...expected].reverse());
  });

  it('writes new events with the current schema version and never rewrites stored ones', async () => {
    const streamId = newStreamId();
    const store = table.newStore({ upcasters });
    const { events } = await store.append(
      streamId,
      [{ type: 'MoneyDeposited', data: { amountInCents: 1, currency: 'EUR' } }],
      {
        expectedVersion: 0,
      },
    );
    expect(events[0]?.schemaVersion).toBe(3);
    const raw = await table.client.send(
      new GetItemCommand({
        TableName: table.tableName,
        Key: { s: { S: streamId }, v: { N: '1' } },
      }),
    );
    expect(JSON.parse(raw.Item?.b?.S ?? '')).toEqual({ d: { amountInCents: 1, currency: 'EUR' }, s: 3 });
  });

  it('fails clearly on an event written by newer code or on a broken chain', async () => {
    const streamId = newStreamId();
    await table
      .newStore({ upcasters })
      .append(streamId, [{ type: 'MoneyDeposited', data: {} }], { expectedVersion: 0 });
    await expect(table.newStore().readStream(streamId)).rejects.toSatisfy(isUpcastError);
    expect(() => new UpcasterChain({ A: { 2: (d) => d } })).toThrow(/no upcaster from 1/);
    const throwing = new UpcasterChain({
      A: {
        1: () => {
          throw new Error('boom');
        },
      },
    });
    expect(() =>
      throwing.upcast({
        streamId: 's',
        version: 1,
        eventId: 'e',
        type: 'A',
        data: 1,
        metadata: {},
        recordedAt: '',
        schemaVersion: 1,
      }),
    ).toThrow(/boom/);
  });
});
