import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createEventTable,
  type EventStore,
  type Logger,
  silentLogger as quiet,
  type StoredEvent,
} from '@dynamo-es/event-store';
import { uniqueId } from '../../../../test/support/dynamodb.js';
import {
  createReadModelTable,
  defineProjection,
  type PoisonEventPolicy,
  ReadModels,
} from '../../src/index.js';

export type BankEvent =
  | { readonly type: 'AccountOpened'; readonly data: { readonly owner: string } }
  | { readonly type: 'MoneyDeposited'; readonly data: { readonly amount: number } }
  | { readonly type: 'MoneyWithdrawn'; readonly data: { readonly amount: number } }
  | { readonly type: 'AccountClosed'; readonly data: Record<string, never> }
  | { readonly type: 'NoteAdded'; readonly data: { readonly text: string } };

export interface AccountDoc {
  readonly owner: string;
  readonly balance: number;
  /** Every version applied, in order: a duplicate or a reordering shows at once. */
  readonly versions: number[];
}
export interface TotalsDoc {
  readonly balance: number;
  readonly movements: number;
}
export type BankDoc = AccountDoc | TotalsDoc;

/** Stream ids are `<bank>/<account>`: each bank has its own shared totals document. */
export const accountKey = (streamId: string) => `account:${streamId}`;
export const totalsKey = (streamId: string) => `totals:${streamId.split('/')[0]}`;

export interface BankProjectionOptions {
  readonly name?: string;
  readonly version?: number;
  /** Called in the middle of every handled event, after the account changed: may throw. */
  readonly fault?: (event: StoredEvent<BankEvent>) => void;
  readonly onPoisonEvent?: PoisonEventPolicy;
  readonly prefetch?: boolean;
}

const NO_ACCOUNT: AccountDoc = { owner: '?', balance: 0, versions: [] };

/** Accounts (one document per stream) and bank totals (one document shared by many streams). */
export function bankProjection(options: BankProjectionOptions = {}) {
  const move = async (
    event: StoredEvent<BankEvent>,
    ctx: import('../../src/index.js').ReadModelContext<BankDoc>,
    amount: number,
  ) => {
    await ctx.update<AccountDoc>(accountKey(event.streamId), (account = NO_ACCOUNT) => ({
      ...account,
      balance: account.balance + amount,
      versions: [...account.versions, event.version],
    }));
    options.fault?.(event);
    await ctx.update<TotalsDoc>(totalsKey(event.streamId), (totals = { balance: 0, movements: 0 }) => ({
      balance: totals.balance + amount,
      movements: totals.movements + 1,
    }));
  };
  return defineProjection<BankEvent, BankDoc>({
    name: options.name ?? uniqueId('accounts'),
    ...(options.version === undefined ? {} : { version: options.version }),
    ...(options.onPoisonEvent ? { onPoisonEvent: options.onPoisonEvent } : {}),
    ...(options.prefetch
      ? { prefetch: (event) => [accountKey(event.streamId), totalsKey(event.streamId)] }
      : {}),
    handlers: {
      AccountOpened: (event, ctx) => {
        ctx.put(accountKey(event.streamId), {
          owner: event.data.owner,
          balance: 0,
          versions: [event.version],
        });
        options.fault?.(event);
      },
      MoneyDeposited: (event, ctx) => move(event, ctx, event.data.amount),
      MoneyWithdrawn: (event, ctx) => move(event, ctx, -event.data.amount),
      AccountClosed: (event, ctx) => {
        ctx.delete(accountKey(event.streamId));
        options.fault?.(event);
      },
    },
  });
}

/** A logger that keeps quiet (tests assert outcomes, not log lines). */
export const silentLogger: Logger = quiet;

/** The read models of a test's tables, quiet unless given a logger. */
export function readModelsOf(
  client: DynamoDBClient,
  eventStore: EventStore<BankEvent> | import('../../src/index.js').EventSource,
  tableName: string,
  options: { readonly logger?: Logger; readonly now?: () => Date } = {},
): ReadModels {
  return new ReadModels({
    client,
    eventStore,
    tableName,
    logger: options.logger ?? silentLogger,
    ...(options.now ? { now: options.now } : {}),
  });
}

/** Fresh events and read-model tables. */
export async function createTables(
  client: DynamoDBClient,
): Promise<{ eventsTable: string; readModelTable: string }> {
  const eventsTable = uniqueId('events');
  const readModelTable = uniqueId('read-models');
  await Promise.all([
    createEventTable(client, { tableName: eventsTable }),
    createReadModelTable(client, { tableName: readModelTable }),
  ]);
  return { eventsTable, readModelTable };
}

/** Every event of the streams, in stream then version order. */
export async function storedEvents(
  store: EventStore<BankEvent>,
  streamIds: readonly string[],
): Promise<StoredEvent<BankEvent>[]> {
  const events: StoredEvent<BankEvent>[] = [];
  for (const streamId of streamIds) events.push(...(await store.readStream(streamId)).events);
  return events;
}
