import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventStore } from '@dynamo-es/event-store';
import type { DynamoDBRecord } from 'aws-lambda';
import { probe } from '../event-store/probe.js';
import { median } from '../meter.js';
import type { BenchContext, BenchTable } from '../types.js';
import { balances, ledger, SUPPORTS_STREAM_DOCUMENT, statements, streamHandler, totals } from './driver.js';
import { type PlainShape, plainHandler } from './plain.js';
import { type Deposited, seedBatches } from './workload.js';

const BATCHES = 10;
const TRIALS = 3;
const RECORDS = BATCHES * 100;

type Handler = (event: { Records: DynamoDBRecord[] }) => Promise<{ batchItemFailures: unknown[] }>;

interface Measured {
  readonly seconds: number;
  readonly requests: number;
  readonly commands: string;
  readonly byCommand: Record<string, number>;
  readonly itemsWritten: number;
  readonly wcu: number;
  readonly rcu: number;
}

interface Tables {
  readonly events: string;
  readonly readModels: string;
}

/** Feeds the batches to a handler on a metered client: time, requests, items written, capacity. */
async function measure(
  client: DynamoDBClient,
  lookup: DynamoDBClient,
  handler: Handler,
  batches: DynamoDBRecord[][],
) {
  const meter = probe(client, lookup);
  const started = performance.now();
  const probed = await meter.run(async () => {
    for (const records of batches) {
      const response = await handler({ Records: records });
      if (response.batchItemFailures.length > 0) throw new Error('a benchmark batch failed');
    }
  });
  const seconds = (performance.now() - started) / 1000;
  meter.remove();
  const byCommand = Object.fromEntries(
    probed.commands.split(', ').map((entry) => {
      const [count, name] = entry.split('x ');
      return [name ?? '', Number(count)];
    }),
  );
  return {
    seconds,
    requests: probed.requests,
    commands: probed.commands,
    byCommand,
    itemsWritten: probed.itemsWritten,
    wcu: probed.wcu,
    rcu: probed.rcu,
  } satisfies Measured;
}

const perRecord = (value: number, digits = 2) => (value / RECORDS).toFixed(digits);
const describe = (m: Measured) =>
  Object.entries(m.byCommand)
    .map(([name, n]) => `${(n / BATCHES).toFixed(1)} ${name}`)
    .join(', ');

async function warmUp(handler: Handler, store: EventStore<Deposited>, streams: number): Promise<void> {
  await handler({ Records: (await seedBatches(store, streams, 1))[0]! });
}

/** The workload: three projections (two without prefetch) fed 100 records per batch, in order. */
export async function threeProjectionsTable(context: BenchContext, tables: Tables): Promise<BenchTable> {
  const store = new EventStore<Deposited>({ client: context.client, tableName: tables.events });
  const lookup = context.newClient();
  const rows: BenchTable['rows'] = [];
  for (const streams of [25, 100]) {
    const client = context.newClient();
    const handler = streamHandler(client, tables, [balances(), statements(), totals()]);
    const plain = plainHandler(client, tables.readModels, ['balances', 'statements', 'totals']);
    await warmUp(handler, store, streams);
    const ours: Measured[] = [];
    const theirs: Measured[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const batches = await seedBatches(store, streams, BATCHES);
      // Rotating order: neither side always runs on a warmer (or more loaded) DynamoDB Local.
      if (trial % 2 === 0) {
        theirs.push(await measure(client, lookup, plain, batches));
        ours.push(await measure(client, lookup, handler, batches));
      } else {
        ours.push(await measure(client, lookup, handler, batches));
        theirs.push(await measure(client, lookup, plain, batches));
      }
    }
    const rate = (runs: Measured[]) => median(runs.map((run) => RECORDS / run.seconds));
    const m = ours.at(-1)!;
    const p = theirs.at(-1)!;
    rows.push({
      batch: `100 records on ${streams} streams (${100 / streams} per stream)`,
      'requests/record': `${perRecord(m.requests)} (plain ${perRecord(p.requests)})`,
      'GetItem of all requests': `${m.byCommand.GetItem ?? 0} of ${m.requests}`,
      'items written/record': `${perRecord(m.itemsWritten)} (plain ${perRecord(p.itemsWritten)})`,
      'WCU/event': `${perRecord(m.wcu)} (plain ${perRecord(p.wcu)})`,
      'RCU/event': `${perRecord(m.rcu)} (plain ${perRecord(p.rcu)})`,
      'records/s': `${rate(ours).toFixed(0)} (plain ${rate(theirs).toFixed(0)}, ${(rate(ours) / rate(theirs)).toFixed(2)}x)`,
      'requests per batch': describe(m),
    });
    client.destroy();
  }
  lookup.destroy();
  return {
    title: 'projections: three projections (two without prefetch), batches of 100 records in order',
    rows,
    notes: [
      `${BATCHES} batches per trial, ${TRIALS} trials in rotating order; costs from the last trial, records/s the median.`,
      'Projections: a balance per stream and a statement per stream (no prefetch hint), shared totals (prefetch hint).',
      'plain: for each record and each of the three documents it changes, one GetItem and one PutItem, no checkpoint',
      '(duplicates and retries apply twice): the floor of DynamoDB work, not a correct handler.',
      'WCU/RCU estimated from the item sizes sent and returned (bench/meter.ts), transactions billed twice per item.',
    ],
  };
}

interface Shape {
  readonly name: string;
  readonly plain: PlainShape;
  readonly make: () => ReturnType<typeof balances>;
}

/** WCU per event of each projection shape, against the plain handler of the same shape. */
export async function shapesTable(context: BenchContext, tables: Tables): Promise<BenchTable> {
  const store = new EventStore<Deposited>({ client: context.client, tableName: tables.events });
  const lookup = context.newClient();
  const shapes: Shape[] = [
    { name: 'document per stream', plain: 'balances', make: () => balances() },
    ...(SUPPORTS_STREAM_DOCUMENT
      ? [
          {
            name: 'document per stream, streamDocument declared',
            plain: 'balances' as const,
            make: () => balances({ streamDocument: true }),
          },
        ]
      : []),
    { name: 'one document shared by all streams', plain: 'totals', make: () => totals() },
    { name: 'per stream + shared', plain: 'ledger', make: () => ledger() },
    ...(SUPPORTS_STREAM_DOCUMENT
      ? [
          {
            name: 'per stream + shared, streamDocument declared',
            plain: 'ledger' as const,
            make: () => ledger({ streamDocument: true }),
          },
        ]
      : []),
  ];
  const rows: BenchTable['rows'] = [];
  for (const streams of [100, 10]) {
    for (const shape of shapes) {
      const client = context.newClient();
      const handler = streamHandler(client, tables, [shape.make()]);
      const plain = plainHandler(client, tables.readModels, [shape.plain]);
      await warmUp(handler, store, streams);
      const batches = await seedBatches(store, streams, BATCHES);
      const p = await measure(client, lookup, plain, batches);
      const m = await measure(client, lookup, handler, batches);
      rows.push({
        shape: `${shape.name}; ${streams} streams per batch`,
        'WCU/event': perRecord(m.wcu),
        'plain WCU/event': perRecord(p.wcu),
        ratio: `${(m.wcu / p.wcu).toFixed(2)}x`,
        'requests/record': `${perRecord(m.requests)} (plain ${perRecord(p.requests)})`,
        'items written/record': `${perRecord(m.itemsWritten)} (plain ${perRecord(p.itemsWritten)})`,
        'RCU/event': `${perRecord(m.rcu)} (plain ${perRecord(p.rcu)})`,
        'requests per batch': describe(m),
      });
      client.destroy();
    }
  }
  lookup.destroy();
  return {
    title: 'projections: capacity per event by projection shape (exactly once vs the plain handler)',
    rows,
    notes: [
      `${BATCHES} batches of 100 records in order per row; WCU estimated from item sizes (bench/meter.ts).`,
      'plain: GetItem + PutItem per record and document, no checkpoint: not exactly once.',
    ],
  };
}
