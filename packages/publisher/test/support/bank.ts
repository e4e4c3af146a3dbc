import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createEventTable, EventStore, type NewEventOf, silentLogger } from '@dynamo-es/event-store';
import { createReadModelTable } from '@dynamo-es/projections';
import type { DynamoDBRecord } from 'aws-lambda';
import { uniqueId } from '../../../../test/support/dynamodb.js';
import { eventItems, toStreamRecord } from '../../../projections/test/support/stream-records.js';
import { definePublication, type Publication } from '../../src/index.js';

export type BankEvent =
  | { readonly type: 'AccountOpened'; readonly data: { readonly owner: string } }
  | { readonly type: 'MoneyDeposited'; readonly data: { readonly amount: number } }
  | {
      readonly type: 'TransferSent';
      readonly data: { readonly transferId: string; readonly amount: number; readonly to: string };
    }
  | { readonly type: 'NoteAdded'; readonly data: { readonly text: string } }
  | { readonly type: 'AccountClosed'; readonly data: Record<string, never> };

/** Fresh events and read-model tables, and the event store on them. */
export async function createBank(client: DynamoDBClient) {
  const eventsTable = uniqueId('events');
  const readModelTable = uniqueId('read-models');
  await Promise.all([
    createEventTable(client, { tableName: eventsTable }),
    createReadModelTable(client, { tableName: readModelTable }),
  ]);
  const store = new EventStore<BankEvent>({ client, tableName: eventsTable, logger: silentLogger });
  return { eventsTable, readModelTable, store };
}

/**
 * The bank's public messages: money movements and closures leave the service, notes stay inside.
 * `fault` may throw for an event (a poison mapping).
 */
export function bankPublication(
  options: {
    readonly fault?: (event: { streamId: string; version: number }) => void;
    readonly onPoisonEvent?: 'park-stream' | 'skip-event';
  } = {},
): Publication<BankEvent> {
  return definePublication<BankEvent>({
    name: uniqueId('bank-public'),
    ...(options.onPoisonEvent ? { onPoisonEvent: options.onPoisonEvent } : {}),
    messages: {
      AccountOpened: (event) => {
        options.fault?.(event);
        return { type: 'bank.AccountOpened', version: 1, data: { accountId: event.streamId } };
      },
      MoneyDeposited: (event) => {
        options.fault?.(event);
        return {
          type: 'bank.MoneyDeposited',
          version: 1,
          data: { accountId: event.streamId, amount: event.data.amount },
        };
      },
      TransferSent: (event) => {
        options.fault?.(event);
        return { type: 'bank.TransferSent', version: 2, data: { ...event.data, from: event.streamId } };
      },
      AccountClosed: (event) => {
        options.fault?.(event);
        return { type: 'bank.AccountClosed', version: 1, data: { accountId: event.streamId } };
      },
    },
  });
}

/** Appends the events to the stream, one append each. */
export async function appendAll(
  store: EventStore<BankEvent>,
  streamId: string,
  events: readonly NewEventOf<BankEvent>[],
) {
  for (const event of events) await store.append(streamId, [event], { expectedVersion: 'any' });
}

/** The stream records Lambda would deliver for the streams' events (stream then version order). */
export async function recordsOf(
  client: DynamoDBClient,
  eventsTable: string,
  streamIds: readonly string[],
): Promise<DynamoDBRecord[]> {
  return (await eventItems(client, eventsTable, streamIds)).map((item) => toStreamRecord(item, eventsTable));
}

export const deposit = (amount: number): NewEventOf<BankEvent> => ({
  type: 'MoneyDeposited',
  data: { amount },
});
export const note = (text: string): NewEventOf<BankEvent> => ({ type: 'NoteAdded', data: { text } });
export const opened = (owner: string): NewEventOf<BankEvent> => ({ type: 'AccountOpened', data: { owner } });
