import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeciderCommandHandler } from '@dynamo-es/aggregate';
import {
  createEventTable,
  createIdempotencyTable,
  EventStore,
  type StoredEvent,
  silentLogger,
} from '@dynamo-es/event-store';
import { createReadModelTable } from '@dynamo-es/projections';
import type { DynamoDBRecord } from 'aws-lambda';
import { createTestClient, testClient, uniqueId } from '../../../../test/support/dynamodb.js';
import {
  eventItems,
  toStreamRecord,
  withNewSequenceNumber,
} from '../../../projections/test/support/stream-records.js';
import { SagaProcess, type SagaProcessOptions } from '../../src/index.js';
import { account, accountCommands } from './accounts.js';
import {
  type AccountCommand,
  APPROVAL_TIMEOUT_MS,
  type TransferState,
  transferSaga,
} from './transfer-saga.js';

export interface Tables {
  readonly events: string;
  readonly keys: string;
  readonly readModels: string;
}

/** Fresh events, idempotency and read-model tables. */
export async function createTables(): Promise<Tables> {
  const client = testClient();
  const tables = { events: uniqueId('events'), keys: uniqueId('keys'), readModels: uniqueId('read-models') };
  await Promise.all([
    createEventTable(client, { tableName: tables.events }),
    createIdempotencyTable(client, { tableName: tables.keys }),
    createReadModelTable(client, { tableName: tables.readModels }),
  ]);
  return tables;
}

export const storeOn = (client: DynamoDBClient, tables: Tables, now?: () => Date) =>
  new EventStore({
    client,
    tableName: tables.events,
    idempotency: { tableName: tables.keys },
    logger: silentLogger,
    ...(now ? { now } : {}),
  });

type Fault = 'before' | 'after' | undefined;

/** A write of the worker, as the fault injector sees it. */
export interface Write {
  readonly command: string;
  readonly input: { readonly TableName?: string; readonly Item?: Record<string, { S?: string }> };
}

const WRITES = new Set([
  'TransactWriteItemsCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
]);

/** Fails writes of `client` as `fault` says: before the write (nothing written) or after (answer lost). */
function injectFaults(client: DynamoDBClient, fault: (write: Write) => Fault): () => void {
  const name = `saga-faults-${Math.random()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      if (!WRITES.has(command)) return next(args);
      const decided = fault({ command, input: args.input as Write['input'] });
      if (decided === 'before')
        throw Object.assign(new Error('injected crash before the write'), { name: 'InternalServerError' });
      const output = await next(args);
      if (decided === 'after')
        throw Object.assign(new Error('injected crash after the write'), { name: 'TimeoutError' });
      return output;
    },
    { step: 'initialize', name },
  );
  return () => client.middlewareStack.remove(name);
}

/**
 * A bank with the transfer saga, driven like Lambda would (or worse): the worker's client may fail
 * writes before they happen or lose their answers after (a crash), records are delivered shuffled
 * across streams, duplicated and in random batches, and a batch's failed streams are delivered again.
 */
export class World {
  readonly tables: Tables;
  readonly client = createTestClient();
  /** Setup and checks: never faulted. */
  readonly clean: EventStore;
  readonly accounts: DeciderCommandHandler<
    ReturnType<typeof account.initialState>,
    Parameters<typeof account.decide>[0],
    never
  >;
  readonly process: SagaProcess<TransferState, AccountCommand>;
  readonly inspector: SagaProcess<TransferState, AccountCommand>;
  readonly handler: ReturnType<SagaProcess<TransferState, AccountCommand>['streamHandler']>;
  readonly calls = { count: 0 };
  readonly watched = new Set<string>();
  readonly #acked = new Map<string, number>();
  #nowMs = Date.parse('2026-12-01T00:00:00.000Z');
  #fault: (write: Write) => Fault = () => undefined;
  readonly #removeFaults: () => void;

  constructor(tables: Tables, options: Partial<SagaProcessOptions<TransferState, AccountCommand>> = {}) {
    this.tables = tables;
    // One clock for the stores' `recordedAt` and the process: "waiting since" and deadlines agree.
    const clock = () => new Date(this.#nowMs);
    this.clean = storeOn(testClient(), tables, clock);
    const store = storeOn(this.client, tables, clock);
    this.#removeFaults = injectFaults(this.client, (write) => this.#fault(write));
    const { commands } = accountCommands(store, this.calls);
    const base = { saga: transferSaga, commands, tableName: tables.readModels, now: clock, shards: 4 };
    this.process = new SagaProcess({
      ...base,
      eventStore: store,
      maxAttempts: 1_000,
      commandRetry: { attempts: 2, baseMs: 1, capMs: 2 },
      ...options,
    });
    this.inspector = new SagaProcess({ ...base, eventStore: this.clean, client: testClient() });
    this.handler = this.process.streamHandler();
    this.accounts = new DeciderCommandHandler({ store: this.clean, decider: account }) as never;
  }

  now(): Date {
    return new Date(this.#nowMs);
  }

  advance(ms: number): void {
    this.#nowMs += ms;
  }

  /** Makes writes of the worker fail with this chance (half before, half after the write). */
  crashes(chance: number, rnd: () => number): void {
    this.#fault = () => {
      if (rnd() >= chance) return undefined;
      return rnd() < 0.5 ? 'before' : 'after';
    };
  }

  /** Decides the fault of each write of the worker. */
  failWrites(fault: (write: Write) => Fault): void {
    this.#fault = fault;
  }

  async openAccount(id: string, balance: number): Promise<void> {
    this.watched.add(id);
    await this.accounts.handle(id, { type: 'Open', balance } as never);
  }

  async closeAccount(id: string): Promise<void> {
    await this.accounts.handle(id, { type: 'Close' } as never);
  }

  async request(transferId: string, from: string, to: string, amount: number): Promise<void> {
    this.watchTransfer(transferId);
    await this.clean.append(
      `transfer-${transferId}`,
      [{ type: 'TransferRequested', data: { transferId, from, to, amount } }],
      {
        expectedVersion: 'no-stream',
      },
    );
  }

  async verdict(transferId: string, verdict: 'TransferApproved' | 'TransferDeclined'): Promise<void> {
    this.watchTransfer(transferId);
    await this.clean.append(`approval-${transferId}`, [{ type: verdict, data: { transferId } }], {
      expectedVersion: 'any',
    });
  }

  watchTransfer(transferId: string): void {
    this.watched.add(`transfer-${transferId}`);
    this.watched.add(`approval-${transferId}`);
    this.watched.add(this.process.streamIdOf(transferId));
  }

  /** Delivers every record not acknowledged yet, once; false when there was none. */
  async deliverRound(rnd: () => number, options: { duplicates?: number } = {}): Promise<boolean> {
    const items = await eventItems(testClient(), this.tables.events, [...this.watched]);
    let records = items
      .map((item) => toStreamRecord(item, this.tables.events))
      .filter((record) => Number(record.dynamodb?.Keys?.v?.N) > (this.#acked.get(streamOf(record)) ?? 0));
    if (records.length === 0) return false;
    const copies = records.filter(() => rnd() < (options.duplicates ?? 0)).map(withNewSequenceNumber);
    records = shuffle([...records, ...copies], rnd);
    while (records.length > 0) {
      const batch = records.splice(0, 1 + Math.floor(rnd() * 6));
      await this.deliver(batch);
    }
    return true;
  }

  /** One invocation of the handler; acknowledges the streams it did not fail. */
  async deliver(batch: DynamoDBRecord[]): Promise<void> {
    const { batchItemFailures } = await this.handler({ Records: batch });
    const failed = new Set(batchItemFailures.map(({ itemIdentifier }) => itemIdentifier));
    const failedStreams = new Set(
      batch.filter((r) => failed.has(r.dynamodb?.SequenceNumber ?? '')).map(streamOf),
    );
    for (const record of batch) {
      const streamId = streamOf(record);
      if (failedStreams.has(streamId)) continue;
      const version = Number(record.dynamodb?.Keys?.v?.N);
      if (version > (this.#acked.get(streamId) ?? 0)) this.#acked.set(streamId, version);
    }
  }

  /** Delivers until nothing is left to deliver. */
  async settle(rnd: () => number, options: { duplicates?: number } = {}): Promise<void> {
    for (let round = 0; round < 500; round++) {
      if (!(await this.deliverRound(rnd, options))) return;
    }
    throw new Error('the world did not settle in 500 rounds');
  }

  /** Settles, lets deadlines come due and fires them, until every saga of `transferIds` ended. */
  async runToEnd(transferIds: readonly string[], rnd: () => number, options: { duplicates?: number } = {}) {
    for (let round = 0; round < 50; round++) {
      await this.settle(rnd, options);
      const open = [];
      for (const id of transferIds) if (!(await this.inspector.load(id)).ended) open.push(id);
      if (open.length === 0) return;
      this.advance(APPROVAL_TIMEOUT_MS + 1_000);
      await this.process.pollDeadlines();
    }
    throw new Error('sagas did not end in 50 rounds');
  }

  async accountEvents(id: string): Promise<StoredEvent[]> {
    return (await this.clean.readStream(id)).events;
  }

  async state(id: string) {
    let state = account.initialState();
    for (const event of await this.accountEvents(id)) state = account.evolve(state, event as never);
    return state;
  }

  stop(): void {
    this.#fault = () => undefined;
    this.#removeFaults();
    this.client.destroy();
  }
}

const streamOf = (record: DynamoDBRecord): string => record.dynamodb?.Keys?.s?.S ?? '';

function shuffle<T>(items: T[], rnd: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
