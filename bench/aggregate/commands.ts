import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AggregateRepository, StateCache } from '@dynamo-es/aggregate';
import { EventStore, itemBytes } from '@dynamo-es/event-store';
import { capacityMeter, median } from '../meter.js';
import type { BenchTable } from '../types.js';
import { Account, depositEvent } from './account.js';

const TRIALS = 30;
const HISTORY = 10;

interface Tables {
  readonly events: string;
  readonly keys: string;
}

interface Clients {
  readonly measured: DynamoDBClient;
  readonly writer: DynamoDBClient;
  readonly lookup: DynamoDBClient;
}

/** One kind of command, run `TRIALS` times on fresh streams (or the same ones, for the cached kinds). */
interface Scenario {
  readonly name: string;
  readonly minimum: string;
  /** Prepares one trial; returns the measured work. */
  readonly trial: (index: number) => Promise<() => Promise<unknown>>;
}

/**
 * Requests, WCU and RCU per command of each kind, on streams of 10 events: a plain command, one
 * over two aggregates, keyed ones and their replays, and commands on cached states.
 */
export async function commandsTable(clients: Clients, tables: Tables, suffix: string): Promise<BenchTable> {
  const writer = new EventStore({ client: clients.writer, tableName: tables.events });
  const idempotency = { tableName: tables.keys };
  const store = new EventStore({ client: clients.measured, tableName: tables.events, idempotency });
  const repository = (stateCache?: StateCache) =>
    new AggregateRepository({
      store,
      factory: (id) => new Account(id),
      ...(stateCache ? { stateCache } : {}),
    });
  const plain = repository();
  let streams = 0;
  const stream = async () => {
    const id = `bench-command-${suffix}-${++streams}`;
    await writer.append(
      id,
      Array.from({ length: HISTORY }, () => depositEvent()),
      { expectedVersion: 0 },
    );
    return id;
  };
  const key = (kind: string, index: number) => ({
    idempotency: { key: `${suffix}-${kind}-${index}`, command: 'Deposit', payload: { amount: 1 } },
  });
  const transfer = ([from, to]: Account[]) => {
    from?.withdraw(1);
    to?.deposit(1);
  };
  const hot = {
    verified: repository(new StateCache()),
    optimistic: repository(new StateCache({ optimistic: true })),
  };
  const hotIds = { verified: await stream(), optimistic: await stream(), keyed: await stream() };
  await hot.verified.update(hotIds.verified, (a) => a.deposit(1));
  await hot.optimistic.update(hotIds.optimistic, (a) => a.deposit(1));
  await hot.optimistic.update(hotIds.keyed, (a) => a.deposit(1));

  const scenarios: Scenario[] = [
    {
      name: '1 aggregate: load + append 1 event',
      minimum: '2 requests (Query + PutItem), 1 WCU',
      trial: async () => {
        const id = await stream();
        return () => plain.update(id, (a) => a.deposit(1));
      },
    },
    {
      name: '2 aggregates (updateMany), 1 event each',
      minimum: '3 requests (2 Query + 1 TransactWriteItems of 2 events), 4 WCU',
      trial: async () => {
        const ids = [await stream(), await stream()];
        return () => plain.updateMany(ids, transfer);
      },
    },
    {
      name: 'keyed, 1 aggregate',
      minimum: 'GetItem + Query + TransactWriteItems (event + key record): 3 requests, 4 WCU',
      trial: async (index) => {
        const id = await stream();
        return () => plain.update(id, (a) => a.deposit(1), key('one', index));
      },
    },
    {
      name: 'keyed, 2 aggregates',
      minimum: 'GetItem + 2 Query + TransactWriteItems (2 events + key record): 4 requests, 6 WCU',
      trial: async (index) => {
        const ids = [await stream(), await stream()];
        return () => plain.updateMany(ids, transfer, key('two', index));
      },
    },
    {
      name: 'keyed replay, 1 aggregate',
      minimum: '1 GetItem (+ reads to return the events and state)',
      trial: async (index) => {
        const id = await stream();
        await plain.update(id, (a) => a.deposit(1), key('replay-one', index));
        return () => plain.update(id, (a) => a.deposit(1), key('replay-one', index));
      },
    },
    {
      name: 'keyed replay, 2 aggregates',
      minimum: '1 GetItem (+ reads to return the events and states)',
      trial: async (index) => {
        const ids = [await stream(), await stream()];
        await plain.updateMany(ids, transfer, key('replay-two', index));
        return () => plain.updateMany(ids, transfer, key('replay-two', index));
      },
    },
    {
      name: 'cached state (hot aggregate)',
      minimum: '2 requests (Query, usually 1 item, + PutItem), 1 WCU',
      trial: async () => () => hot.verified.update(hotIds.verified, (a) => a.deposit(1)),
    },
    {
      name: 'cached state, optimistic (hot aggregate)',
      minimum: '1 request (PutItem), 1 WCU',
      trial: async () => () => hot.optimistic.update(hotIds.optimistic, (a) => a.deposit(1)),
    },
    {
      name: 'cached state, optimistic, keyed',
      minimum: 'GetItem + TransactWriteItems: 2 requests, 4 WCU',
      trial: async (index) => () =>
        hot.optimistic.update(hotIds.keyed, (a) => a.deposit(1), key('hot', index)),
    },
  ];

  const capacity = capacityMeter(clients.measured, clients.lookup, itemBytes);
  const rows = [];
  for (const scenario of scenarios) {
    const costs = { requests: 0, wcu: 0, rcu: 0 };
    const breakdown = new Map<string, number>();
    const times: number[] = [];
    for (let index = 0; index < TRIALS; index++) {
      const work = await scenario.trial(index);
      capacity.reset();
      const started = performance.now();
      await work();
      times.push(performance.now() - started);
      const sent = capacity.costs();
      costs.requests += sent.length;
      costs.wcu += capacity.wcu();
      costs.rcu += capacity.rcu();
      for (const cost of sent) breakdown.set(cost.command, (breakdown.get(cost.command) ?? 0) + 1);
    }
    const per = (n: number) => (n / TRIALS).toFixed(n % TRIALS === 0 ? 0 : 2);
    rows.push({
      command: scenario.name,
      requests: per(costs.requests),
      breakdown: [...breakdown].map(([name, n]) => `${per(n)} ${name.replace('Command', '')}`).join(' + '),
      WCU: per(costs.wcu),
      RCU: per(costs.rcu),
      'ms (median)': median(times).toFixed(1),
      minimum: scenario.minimum,
    });
  }
  capacity.remove();
  return {
    title: 'Commands: requests and capacity per command',
    rows,
    notes: [
      `${TRIALS} commands of each kind, one after the other, on streams of ${HISTORY} small events (about 100 bytes each),`,
      'each through AggregateRepository on one long-lived EventStore. Requests counted by SDK middleware on the',
      'measuring client; WCU/RCU estimated from the items sent and returned with AWS rounding (a transaction bills',
      '2 WCU per item-KB, checks and the idempotency record included; consistent reads 1 RCU per 4 KB).',
      'A keyed command reads its key first (a consistent GetItem, 1 RCU) and writes the key record in the same',
      'TransactWriteItems as its events (about 150 bytes: 2 WCU). A replay reads the record, loads the streams',
      'as they are now, and returns the original events (read with the load when it covers them).',
      'Cached rows: the same hot stream for every trial, its state in a StateCache; the verified cache reads',
      'from the cached version (1 item: the proof that the state is of this stream) and appends.',
    ],
  };
}
