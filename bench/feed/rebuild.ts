import { EventStore, type StoredEvent } from '@dynamo-es/event-store';
import { Feed } from '@dynamo-es/feed';
import { createReadModelTable, defineProjection, type Projection, ReadModels } from '@dynamo-es/projections';
import { ulid } from 'ulid';
import type { BenchContext, BenchTable } from '../types.js';
import { costMeter } from './cost-meter.js';
import type { Dataset } from './indexer.js';
import { RARE_TYPE } from './seed.js';

type Doc = { readonly events: number };
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** One document per stream counting the events handled: the types decide what a rebuild reads. */
function counter(name: string, types: readonly string[]): Projection {
  const count = (event: StoredEvent, ctx: Parameters<Projection['apply']>[1]) =>
    ctx.update<Doc>(event.streamId, (doc = { events: 0 }) => ({ events: doc.events + 1 }));
  return defineProjection<{ type: string; data: unknown }, Doc>({
    name,
    streamDocument: (streamId) => streamId,
    handlers: Object.fromEntries(types.map((type) => [type, count])) as never,
  });
}

/**
 * Rebuilds of two projections (one handling every type, one the 1% type) from a scan of the
 * events table (4 segments) and from the feed, on the same data in the same run.
 */
export async function rebuildTable(context: BenchContext, data: Dataset): Promise<BenchTable> {
  const readModelTable = `bench-feed-read-models-${ulid().toLowerCase()}`;
  await createReadModelTable(context.client, { tableName: readModelTable });
  const rows: BenchTable['rows'] = [];
  const types = [...new Set(data.items.map((item) => item.t?.S as string))];
  const shapes = [
    { label: 'every type', types },
    { label: `only ${RARE_TYPE} (1%)`, types: [RARE_TYPE] },
  ];
  for (const shape of shapes) {
    for (const from of ['scan (4 segments)', 'feed'] as const) {
      const client = context.newClient();
      const meter = costMeter(client, { feed: data.feedTable, events: data.eventsTable });
      const eventStore = new EventStore({ client, tableName: data.eventsTable });
      const feed = new Feed({ client, tableName: data.feedTable, eventStore });
      const readModels = new ReadModels({ client, eventStore, tableName: readModelTable, logger: quiet });
      const projection = counter(`bench-${rows.length}`, shape.types);
      const started = performance.now();
      const result = await readModels.rebuild(
        projection,
        from === 'feed' ? { source: feed } : { segments: 4 },
      );
      const seconds = (performance.now() - started) / 1000;
      const readOnly = (command: string) =>
        !['BatchWriteItem', 'PutItem', 'UpdateItem', 'TransactWriteItems'].includes(command);
      const reads = Object.entries(meter.byCommand()).filter(([command]) => readOnly(command));
      rows.push({
        projection: shape.label,
        from,
        'events/s (of the table)': (data.items.length / seconds).toFixed(0),
        seconds: seconds.toFixed(1),
        'events handled': result.events,
        'read requests': reads.map(([command, n]) => `${n} ${command}`).join(', '),
        'RCU (reads)': meter.rcu().toFixed(0),
      });
      meter.remove();
    }
  }
  return {
    title: `feed: rebuilding a projection from the feed vs from a scan (${data.items.length.toLocaleString('en')} events, ${data.name})`,
    rows,
    notes: [
      '"events/s (of the table)": the events table\'s events over the rebuild\'s time. RCU of the reads, estimated by SDK',
      'middleware (consistent reads). The scan reads every event item whole whatever the projection handles; the feed',
      'reads the batches (every type) or the type index (some types) and fetches only the handled events by key, in',
      'global order. "events handled" counts the events gone past, other types included (the scan delivers them).',
    ],
  };
}
