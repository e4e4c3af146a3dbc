import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventStore } from '@dynamo-es/event-store';
import {
  defineProjection,
  type Projection,
  type ProjectionStreamHandler,
  ReadModels,
} from '@dynamo-es/projections';
import { ulid } from 'ulid';
import { type Balance, type Deposited, type Statement, statementKey, TOTALS_KEY } from './workload.js';

// The one file of the projection benchmarks that knows the projections API.

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const unique = (name: string) => `bench-${name}-${ulid().toLowerCase()}`;

/** Whether the package can keep a stream's checkpoint inside its document. */
export const SUPPORTS_STREAM_DOCUMENT = true;

const addDeposit = (doc: Balance | undefined, amount: number): Balance => ({
  balance: (doc?.balance ?? 0) + amount,
  deposits: (doc?.deposits ?? 0) + 1,
});

/** One balance per stream, keyed by the stream id (no prefetch hint unless asked). */
export function balances(options: { prefetch?: boolean; streamDocument?: boolean } = {}): Projection {
  return defineProjection<Deposited, Balance>({
    name: unique('balances'),
    ...(options.prefetch ? { prefetch: (event) => event.streamId } : {}),
    ...(options.streamDocument ? { streamDocument: (streamId) => streamId } : {}),
    handlers: {
      Deposited: async (event, ctx) => {
        await ctx.update(event.streamId, (doc) => addDeposit(doc, event.data.amount));
      },
    },
  }) as Projection;
}

/** The last 10 deposits of each stream, under a key of its own (no prefetch hint). */
export function statements(): Projection {
  return defineProjection<Deposited, Statement>({
    name: unique('statements'),
    handlers: {
      Deposited: async (event, ctx) => {
        await ctx.update(statementKey(event.streamId), (doc) => ({
          lines: [...(doc?.lines ?? []), event.data.amount].slice(-10),
        }));
      },
    },
  }) as Projection;
}

/** One document shared by every stream (with the prefetch hint). */
export function totals(): Projection {
  return defineProjection<Deposited, Balance>({
    name: unique('totals'),
    prefetch: () => TOTALS_KEY,
    handlers: {
      Deposited: async (_event, ctx) => {
        await ctx.update(TOTALS_KEY, (doc) => addDeposit(doc, _event.data.amount));
      },
    },
  }) as Projection;
}

/** A balance per stream and the shared totals, in one projection. */
export function ledger(options: { streamDocument?: boolean } = {}): Projection {
  return defineProjection<Deposited, Balance>({
    name: unique('ledger'),
    ...(options.streamDocument ? { streamDocument: (streamId) => streamId } : {}),
    handlers: {
      Deposited: async (event, ctx) => {
        await ctx.update(event.streamId, (doc) => addDeposit(doc, event.data.amount));
        await ctx.update(TOTALS_KEY, (doc) => addDeposit(doc, event.data.amount));
      },
    },
  }) as Projection;
}

const readModels = (client: DynamoDBClient, tables: { events: string; readModels: string }) =>
  new ReadModels({
    client,
    eventStore: new EventStore({ client, tableName: tables.events }),
    tableName: tables.readModels,
    logger: silent,
  });

/** The Lambda handler of `projections` on `client`. */
export function streamHandler(
  client: DynamoDBClient,
  tables: { events: string; readModels: string },
  projections: readonly Projection[],
): ProjectionStreamHandler {
  return readModels(client, tables).streamHandler(projections);
}

/** A full rebuild of `projection` into its version. */
export async function rebuild(
  client: DynamoDBClient,
  tables: { events: string; readModels: string },
  projection: Projection,
  segments: number,
): Promise<{ events: number; streams: number; documentsWritten: number; durationMs: number }> {
  return readModels(client, tables).rebuild(projection, { segments });
}
