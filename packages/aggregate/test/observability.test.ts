import { AggregateRepository, DeciderCommandHandler, isRetriesExhaustedError } from '@dynamo-es/aggregate';
import {
  type AppendOptions,
  type AppendResult,
  type EventShape,
  EventStore,
  type Logger,
  type Metrics,
  type NewEventOf,
  SnapshotStore,
} from '@dynamo-es/event-store';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { BankAccount, bankAccount, deposited, opened } from './fixtures/bank-account.js';
import { createTables } from './support/tables.js';

let tables: { events: string; snapshots: string };
/** Another process writing to the same streams. */
let rival: EventStore;

beforeAll(async () => {
  tables = await createTables();
  rival = new EventStore({ client: testClient(), tableName: tables.events });
});

afterEach(() => {
  vi.restoreAllMocks();
});

interface Entry {
  readonly level: string;
  readonly message: string;
  readonly attributes?: Record<string, unknown>;
}

/** A logger and a metrics sink that remember what they were told. */
function recorders() {
  const logs: Entry[] = [];
  const metrics: { name: string; value: number; unit: string }[] = [];
  const at = (level: string) => (message: string, attributes?: Record<string, unknown>) =>
    logs.push({ level, message, ...(attributes ? { attributes } : {}) });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  const sink: Metrics = { record: (name, value, unit) => metrics.push({ name, value, unit }) };
  return { logs, metrics, logger, sink, named: (name: string) => metrics.filter((m) => m.name === name) };
}

const newStore = (options: { logger?: Logger; metrics?: Metrics } = {}) =>
  new EventStore({ client: testClient(), tableName: tables.events, ...options });

/** A store whose first `races` appends each find that another writer appended just before. */
class RacingStore extends EventStore {
  #races: number;
  constructor(races: number) {
    super({ client: testClient(), tableName: tables.events });
    this.#races = races;
  }
  override async append<T extends EventShape>(
    streamId: string,
    events: readonly NewEventOf<T>[],
    options: AppendOptions,
  ): Promise<AppendResult<T>> {
    if (this.#races-- > 0) await rival.append(streamId, [deposited(1)], { expectedVersion: 'any' });
    return super.append(streamId, events, options);
  }
}

/** A stream with an open account and `deposits` deposits of 1. */
async function seed(deposits = 0): Promise<string> {
  const id = uniqueId('account');
  await rival.append(id, [opened(), ...Array.from({ length: deposits }, () => deposited(1))], {
    expectedVersion: 'no-stream',
  });
  return id;
}

describe('repository observability hooks', () => {
  it('report a conflict retried with the stream, attempt and versions (info, CommandRetries)', async () => {
    const { logs, logger, sink, named } = recorders();
    const accounts = new AggregateRepository({
      store: newStore(),
      factory: (id) => new BankAccount(id),
      logger,
      metrics: sink,
      retryDelay: () => 3,
    });
    const id = await seed(2);
    let calls = 0;
    await accounts.update(id, async (account) => {
      if (++calls === 1) await rival.append(id, [deposited(100)], { expectedVersion: 3 });
      account.deposit(5);
    });
    expect(logs).toEqual([
      {
        level: 'info',
        message: 'dynamo-es: command retried after a conflict',
        attributes: { streamId: id, attempt: 1, expectedVersion: 3, actualVersion: 4, delayMs: 3 },
      },
    ]);
    expect(named('CommandRetries')).toEqual([{ name: 'CommandRetries', value: 1, unit: 'Count' }]);
  });

  it('warn when the retries are exhausted, with the last conflict', async () => {
    const { logs, logger } = recorders();
    const accounts = new AggregateRepository({
      store: newStore(),
      factory: (id) => new BankAccount(id),
      logger,
    });
    const id = await seed();
    let version = 1;
    const error = await accounts
      .update(
        id,
        async (account) => {
          await rival.append(id, [deposited(1)], { expectedVersion: version++ });
          account.deposit(5);
        },
        { retries: 1 },
      )
      .catch((caught: unknown) => caught);
    expect(isRetriesExhaustedError(error)).toBe(true);
    expect(logs.map((entry) => entry.level)).toEqual(['info', 'warn']);
    expect(logs[1]).toEqual({
      level: 'warn',
      message: 'dynamo-es: command gave up after conflicts',
      attributes: { streamId: id, expectedVersion: 2, actualVersion: 3, attempts: 2 },
    });
  });

  it("default to the store's logger and metrics", async () => {
    const { logs, logger, sink, named } = recorders();
    const accounts = new AggregateRepository({
      store: newStore({ logger, metrics: sink }),
      factory: (id) => new BankAccount(id),
      retryDelay: () => 0,
    });
    const id = await seed();
    let calls = 0;
    await accounts.update(id, async (account) => {
      if (++calls === 1) await rival.append(id, [deposited(1)], { expectedVersion: 1 });
      account.deposit(5);
    });
    // The store reports the failed append, the repository the retried command, to the same sinks.
    expect(logs.map((entry) => entry.message)).toEqual([
      'dynamo-es: append conflict',
      'dynamo-es: command retried after a conflict',
    ]);
    expect(named('AppendConflicts')).toHaveLength(1);
    expect(named('CommandRetries')).toHaveLength(1);
    expect(named('EventsAppended')).toHaveLength(1);
  });

  it('report snapshots written (debug, SnapshotsWritten)', async () => {
    const { logs, logger, sink, named } = recorders();
    const accounts = new AggregateRepository({
      store: newStore(),
      factory: (id) => new BankAccount(id),
      snapshots: {
        store: new SnapshotStore({ client: testClient(), tableName: tables.snapshots }),
        every: 2,
        schemaVersion: 3,
      },
      logger,
      metrics: sink,
    });
    const id = uniqueId('account');
    await accounts.update(id, (account) => account.open('Ada'));
    await accounts.update(id, (account) => account.deposit(1));
    expect(logs).toEqual([
      {
        level: 'debug',
        message: 'dynamo-es: snapshot written',
        attributes: { streamId: id, version: 2, schemaVersion: 3 },
      },
    ]);
    expect(named('SnapshotsWritten')).toEqual([{ name: 'SnapshotsWritten', value: 1, unit: 'Count' }]);
  });

  it('report snapshot failures (warn, SnapshotFailures) and still call onError, without console.warn', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { logs, logger, sink, named } = recorders();
    const reported: string[] = [];
    const accounts = new AggregateRepository({
      store: newStore(),
      factory: (id) => new BankAccount(id),
      snapshots: {
        store: new SnapshotStore({ client: testClient(), tableName: uniqueId('no-such-table') }),
        every: 1,
        onError: (_error, context) => reported.push(`${context.operation}:${context.version ?? '-'}`),
      },
      logger,
      metrics: sink,
    });
    const id = uniqueId('account');
    await accounts.update(id, (account) => account.open('Ada'));
    expect(reported).toEqual(['load:-', 'save:1']);
    expect(logs).toEqual([
      {
        level: 'warn',
        message: 'dynamo-es: snapshot failed; the command is unaffected',
        attributes: {
          operation: 'load',
          streamId: id,
          errorName: 'ResourceNotFoundException',
          error: expect.any(String),
        },
      },
      {
        level: 'warn',
        message: 'dynamo-es: snapshot failed; the command is unaffected',
        attributes: {
          operation: 'save',
          streamId: id,
          version: 1,
          errorName: 'ResourceNotFoundException',
          error: expect.any(String),
        },
      },
    ]);
    expect(named('SnapshotFailures')).toHaveLength(2);
    expect(warn).not.toHaveBeenCalled();
  });

  it('never fail a command when the logger or the metrics sink throws', async () => {
    const broken = () => {
      throw new Error('sink down');
    };
    const accounts = new AggregateRepository({
      store: newStore(),
      factory: (id) => new BankAccount(id),
      logger: { debug: broken, info: broken, warn: broken, error: broken },
      metrics: { record: broken },
      retryDelay: () => 0,
    });
    const id = await seed();
    let calls = 0;
    const { attempts } = await accounts.update(id, async (account) => {
      if (++calls === 1) await rival.append(id, [deposited(1)], { expectedVersion: 1 });
      account.deposit(5);
    });
    expect(attempts).toBe(2);
  });

  it('reach the decider command handler too', async () => {
    const { logs, logger, sink, named } = recorders();
    const handler = new DeciderCommandHandler({
      store: new RacingStore(1),
      decider: bankAccount,
      logger,
      metrics: sink,
      retryDelay: () => 0,
    });
    const id = await seed();
    const { attempts } = await handler.handle(id, { type: 'Deposit', amount: 2 });
    expect(attempts).toBe(2);
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'info',
        attributes: expect.objectContaining({
          streamId: id,
          attempt: 1,
          expectedVersion: 1,
          actualVersion: 2,
        }),
      }),
    ]);
    expect(named('CommandRetries')).toHaveLength(1);
  });

  it('reject a logger or metrics sink without the methods', () => {
    const store = newStore();
    const factory = (id: string) => new BankAccount(id);
    expect(() => new AggregateRepository({ store, factory, logger: {} as Logger })).toThrow('options.logger');
    expect(
      () => new AggregateRepository({ store, factory, metrics: { record: 1 } as unknown as Metrics }),
    ).toThrow('options.metrics');
  });
});
