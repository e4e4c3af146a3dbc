import type { StoredEvent } from '@dynamo-es/event-store';
import type { DynamoDBStreamHandler } from 'aws-lambda';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  defineProjection,
  isContextClosedError,
  isInvalidDocumentError,
  isInvalidProjectionError,
  type ProjectionStreamHandler,
  projectInMemory,
} from '../src/index.js';
import { type AccountDoc, type BankEvent, bankProjection } from './support/bank.js';

let version = 0;
const event = <E extends BankEvent>(streamId: string, body: E): StoredEvent<BankEvent> =>
  ({
    streamId,
    version: ++version,
    eventId: `e${version}`,
    metadata: {},
    recordedAt: '',
    schemaVersion: 1,
    ...body,
  }) as StoredEvent<BankEvent>;

describe('defineProjection (offline)', () => {
  it('types each handler by its event and keeps types without a handler out', () => {
    const projection = defineProjection<BankEvent, AccountDoc>({
      name: 'typed',
      handlers: {
        MoneyDeposited: (deposited) => {
          expectTypeOf(deposited.data).toEqualTypeOf<{ readonly amount: number }>();
        },
        // @ts-expect-error: not an event type of the union
        MoneyLent: () => {},
      },
    });
    expect(projection.eventTypes).toEqual(['MoneyDeposited', 'MoneyLent']);
    expect(projection.handles('NoteAdded')).toBe(false);
    expect(projection.version).toBe(1);
    expect(projection.onPoisonEvent).toBe('park-stream');
  });

  it('makes a handler that Lambda accepts as a DynamoDBStreamHandler', () => {
    expectTypeOf<ProjectionStreamHandler>().toExtend<DynamoDBStreamHandler>();
  });

  it('takes a handler that returns ctx.update(...) as it is, and waits for it', async () => {
    const projection = defineProjection<BankEvent, AccountDoc>({
      name: 'returning',
      handlers: {
        AccountOpened: (opened, ctx) =>
          ctx.put(opened.streamId, { owner: opened.data.owner, balance: 0, versions: [] }),
        MoneyDeposited: (deposited, ctx) =>
          ctx.update(
            deposited.streamId,
            (account) => account && { ...account, balance: account.balance + deposited.data.amount },
          ),
      },
    });
    const at = (version: number, body: BankEvent) =>
      ({
        streamId: 'r/1',
        version,
        eventId: `r${version}`,
        metadata: {},
        recordedAt: '',
        schemaVersion: 1,
        ...body,
      }) as StoredEvent<BankEvent>;
    const documents = await projectInMemory(projection, [
      at(1, { type: 'AccountOpened', data: { owner: 'Ada' } }),
      at(2, { type: 'MoneyDeposited', data: { amount: 7 } }),
    ]);
    expect(documents.get('r/1')).toEqual({ owner: 'Ada', balance: 7, versions: [] });
  });

  it('rejects bad names, versions and handlers', () => {
    expect(() => defineProjection({ name: 'a#b', handlers: {} })).toThrow(
      expect.toSatisfy(isInvalidProjectionError),
    );
    expect(() => defineProjection({ name: 'ok', version: 0, handlers: {} })).toThrow(/version/);
    expect(() => defineProjection({ name: 'ok', handlers: { X: 'nope' } as never })).toThrow(/handlers.X/);
  });

  it('folds events in memory with the same ctx semantics as in DynamoDB', async () => {
    const documents = await projectInMemory(bankProjection({ name: 'bank' }), [
      event('b/1', { type: 'AccountOpened', data: { owner: 'Ada' } }),
      event('b/1', { type: 'MoneyDeposited', data: { amount: 5 } }),
      event('b/2', { type: 'AccountOpened', data: { owner: 'Bob' } }),
      event('b/2', { type: 'AccountClosed', data: {} }),
    ]);
    expect(Object.fromEntries(documents)).toEqual({
      'account:b/1': { owner: 'Ada', balance: 5, versions: [1, 2] },
      'totals:b': { balance: 5, movements: 1 },
    });
  });

  it('rejects documents that are not plain data, and ctx use after the handler returned', async () => {
    const bad = defineProjection<BankEvent>({
      name: 'bad',
      handlers: { NoteAdded: (_, ctx) => ctx.put('k', { at: new Date() }) },
    });
    await expect(
      projectInMemory(bad, [event('s', { type: 'NoteAdded', data: { text: '' } })]),
    ).rejects.toSatisfy(isInvalidDocumentError);
    let leaked: (() => void) | undefined;
    const leaky = defineProjection<BankEvent>({
      name: 'leaky',
      handlers: {
        NoteAdded: (_, ctx) => {
          leaked = () => ctx.delete('k');
        },
      },
    });
    await projectInMemory(leaky, [event('s', { type: 'NoteAdded', data: { text: '' } })]);
    expect(() => leaked?.()).toThrow(expect.toSatisfy(isContextClosedError));
  });
});
