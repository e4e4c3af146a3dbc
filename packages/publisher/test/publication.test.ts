import type { StoredEvent } from '@dynamo-es/event-store';
import { describe, expect, it } from 'vitest';
import { toEnvelope } from '../src/envelope.js';
import {
  definePublication,
  isInvalidMessageError,
  isInvalidPublicationError,
  Publisher,
  parseEnvelope,
} from '../src/index.js';
import type { BankEvent } from './support/bank.js';

const stored = (overrides: Partial<StoredEvent<BankEvent>> & Pick<StoredEvent<BankEvent>, 'type' | 'data'>) =>
  ({
    streamId: 'account-1',
    version: 3,
    eventId: '01J0000000000000000000000A',
    metadata: { correlationId: 'c-1' },
    recordedAt: '2026-12-01T00:00:00.000Z',
    schemaVersion: 1,
    ...overrides,
  }) as StoredEvent;

describe('definePublication', () => {
  it('selects by the types it maps, by stream prefix and by predicate', () => {
    const publication = definePublication<BankEvent>({
      name: 'bank-public',
      streamPrefix: ['account-', 'savings-'],
      where: (event) => event.type !== 'MoneyDeposited' || event.data.amount > 0,
      messages: {
        MoneyDeposited: (event) => ({
          type: 'bank.MoneyDeposited',
          version: 1,
          data: { amount: event.data.amount },
        }),
        AccountClosed: () => ({ type: 'bank.AccountClosed', version: 1, data: {} }),
      },
    });
    expect(publication.eventTypes).toEqual(['MoneyDeposited', 'AccountClosed']);
    expect(publication.handles('NoteAdded')).toBe(false);
    const deposit = stored({ type: 'MoneyDeposited', data: { amount: 5 } });
    expect(publication.toMessage(deposit)).toEqual({
      type: 'bank.MoneyDeposited',
      version: 1,
      data: { amount: 5 },
    });
    expect(publication.toMessage({ ...deposit, streamId: 'savings-9' } as StoredEvent)).toBeDefined();
    expect(publication.toMessage({ ...deposit, streamId: 'loan-1' } as StoredEvent)).toBeUndefined();
    expect(publication.toMessage(stored({ type: 'MoneyDeposited', data: { amount: 0 } }))).toBeUndefined();
    expect(publication.toMessage(stored({ type: 'NoteAdded', data: { text: 'x' } }))).toBeUndefined();
  });

  it('is typed by the event union: a mapping of an unknown type, or of a wrong field, does not compile', () => {
    definePublication<BankEvent>({
      name: 'typed',
      messages: {
        // @ts-expect-error `amount` is not a field of AccountOpened
        AccountOpened: (event) => ({ type: 't', version: 1, data: event.data.amount }),
        // @ts-expect-error not an event type of the union
        MoneyLent: () => ({ type: 't', version: 1, data: {} }),
      },
    });
    expect(true).toBe(true);
  });

  const none = (): undefined => undefined;
  it.each([
    [{ name: 'has space', messages: { AccountClosed: none } }, 'name'],
    [{ name: 'x'.repeat(97), messages: { AccountClosed: none } }, 'name'],
    [{ name: 'ok', messages: {} }, 'messages'],
    [{ name: 'ok', messages: { AccountClosed: 'not a function' } }, 'messages.AccountClosed'],
    [{ name: 'ok', version: 0, messages: { AccountClosed: none } }, 'version'],
    [{ name: 'ok', streamPrefix: '', messages: { AccountClosed: none } }, 'streamPrefix'],
    [{ name: 'ok', where: true, messages: { AccountClosed: none } }, 'where'],
    [{ name: 'ok', onPoisonEvent: 'ignore', messages: { AccountClosed: none } }, 'onPoisonEvent'],
  ])('refuses a bad definition (%#) naming the field at fault', (definition, field) => {
    let caught: unknown;
    try {
      definePublication<BankEvent>(definition as never);
    } catch (error) {
      caught = error;
    }
    expect(isInvalidPublicationError(caught)).toBe(true);
    expect(caught).toMatchObject({ field, code: 'DYNAMO_ES_INVALID_PUBLICATION' });
  });

  it('refuses a publisher without a client, event store or sink', () => {
    const eventStore = { tableName: 'events', client: { send: () => undefined } } as never;
    const sink = {
      name: 's',
      limits: { maxEntries: 1, maxRequestBytes: 1, maxEntryBytes: 1 },
      entryBytes: () => 1,
      send: async () => [],
    };
    expect(() => new Publisher({ client: {} as never, eventStore, sink })).toThrow(/invalid client/);
    expect(
      () => new Publisher({ client: { send: () => undefined } as never, eventStore: {} as never, sink }),
    ).toThrow(/invalid eventStore/);
    expect(
      () => new Publisher({ client: { send: () => undefined } as never, eventStore, sink: {} as never }),
    ).toThrow(/invalid sink/);
    expect(
      () =>
        new Publisher({
          client: { send: () => undefined } as never,
          eventStore,
          sink,
          sinkRetry: { maxAttempts: 0 },
        }),
    ).toThrow(/invalid sinkRetry.maxAttempts/);
  });
});

describe('the message envelope', () => {
  const event = stored({ type: 'MoneyDeposited', data: { amount: 5 } });

  it('carries the event id as message id, the stream position and its predecessor, the contract version and the correlation id', () => {
    const envelope = toEnvelope(
      'bank-public',
      event,
      {
        type: 'bank.MoneyDeposited',
        version: 2,
        data: { amount: 5 },
      },
      1,
    );
    expect(envelope).toEqual({
      id: event.eventId,
      type: 'bank.MoneyDeposited',
      version: 2,
      source: 'bank-public',
      streamId: 'account-1',
      streamVersion: 3,
      previousVersion: 1,
      time: event.recordedAt,
      correlationId: 'c-1',
      data: { amount: 5 },
    });
    expect(parseEnvelope(JSON.stringify(envelope))).toEqual(envelope);
  });

  it.each([
    [undefined, /returned undefined/],
    [{ type: '', version: 1, data: {} }, /type ""/],
    [{ type: 't', version: 1.5, data: {} }, /version 1.5/],
    [{ type: 't', version: 1, data: { at: new Date() } }, /not plain JSON/],
  ])('refuses a mapping that returns %j, as a poison event', (message, reason) => {
    let caught: unknown;
    try {
      toEnvelope('p', event, message as never, 0);
    } catch (error) {
      caught = error;
    }
    expect(isInvalidMessageError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(reason);
    expect((caught as Error).message).toContain('stream account-1, version 3');
  });

  it.each([
    ['not json', /not JSON/],
    ['[]', /"id" is missing/],
    [
      JSON.stringify({
        id: 'i',
        type: 't',
        source: 's',
        streamId: 'a',
        time: 't',
        version: 1,
        streamVersion: 0,
      }),
      /streamVersion/,
    ],
    [
      JSON.stringify({
        id: 'i',
        type: 't',
        source: 's',
        streamId: 'a',
        time: 't',
        version: 1,
        streamVersion: 1,
      }),
      /previousVersion/,
    ],
    [
      JSON.stringify({
        id: 'i',
        type: 't',
        source: 's',
        streamId: 'a',
        time: 't',
        version: 1,
        streamVersion: 2,
        previousVersion: 1,
      }),
      /neither "data"/,
    ],
  ])('a consumer refuses a body that is not an envelope (%s)', (body, reason) => {
    expect(() => parseEnvelope(body)).toThrow(reason);
  });
});
