import { dataset, floorIndex, indexDataset, indexerRow, indexerTable } from './feed/indexer.js';
import { readAllTables } from './feed/read-all.js';
import { rebuildTable } from './feed/rebuild.js';
import type { Benchmark, BenchTable } from './types.js';

const EVENTS = Number(process.env.BENCH_FEED_EVENTS ?? 20_000);

/**
 * The feed: the indexer's throughput and capacity per event (every part, against a floor that
 * only writes entries), readAll against the raw SDK doing the same calls, events by type, and
 * rebuilding a projection from the feed against rebuilding it from a scan.
 */
const benchmark: Benchmark = async (context) => {
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    console.error(`feed bench: ${name} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return result;
  };
  const interleaved = await step('seed interleaved', () =>
    dataset(
      context,
      'one event per stream per batch (2,000 streams)',
      { kind: 'interleaved', streams: 2_000, events: EVENTS },
      1,
    ),
  );
  const bursts = await step('seed bursts', () =>
    dataset(
      context,
      'bursts of 10 events per stream (200 streams)',
      { kind: 'bursts', streams: 200, burst: 10, events: EVENTS },
      2,
    ),
  );
  const concurrent = await step('seed concurrent', () =>
    dataset(
      context,
      '4 concurrent indexers, one event per stream per batch',
      { kind: 'interleaved', streams: 2_000, events: EVENTS },
      3,
    ),
  );
  const rows = [];
  const floorClient = context.newClient();
  const run = await step('index interleaved', () => indexDataset(context, interleaved, 1));
  rows.push(indexerRow(run, await step('floor', () => floorIndex(floorClient, interleaved))));
  rows.push(indexerRow(await step('index bursts', () => indexDataset(context, bursts, 1))));
  rows.push(indexerRow(await step('index concurrent', () => indexDataset(context, concurrent, 4))));
  const tables: BenchTable[] = [indexerTable(rows)];
  tables.push(...(await step('reads', () => readAllTables(context, interleaved))));
  tables.push(await step('rebuilds', () => rebuildTable(context, interleaved)));
  return tables;
};

export default benchmark;
