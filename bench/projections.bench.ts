import { createEventTable } from '@dynamo-es/event-store';
import { createReadModelTable } from '@dynamo-es/projections';
import { ulid } from 'ulid';
import { shapesTable, threeProjectionsTable } from './projections/live.js';
import { rebuildTable } from './projections/rebuild.js';
import type { Benchmark, BenchTable } from './types.js';

/**
 * Projections against the plain handler (GetItem + PutItem per record and document, no
 * checkpoint) and rebuilds against a raw parallel scan, on one DynamoDB Local in one run.
 */
const projectionsBenchmark: Benchmark = async (context) => {
  const suffix = ulid().toLowerCase();
  const live = {
    events: `bench-projection-events-${suffix}`,
    readModels: `bench-projection-read-models-${suffix}`,
  };
  const rebuilt = {
    events: `bench-rebuild-events-${suffix}`,
    readModels: `bench-rebuild-read-models-${suffix}`,
  };
  for (const tables of [live, rebuilt]) {
    await createEventTable(context.client, { tableName: tables.events });
    await createReadModelTable(context.client, { tableName: tables.readModels });
  }
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    console.error(`projections bench: ${name} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return result;
  };
  // BENCH_PROJECTIONS=three,shapes,rebuild (the default: all) runs some of the tables.
  const only = new Set((process.env.BENCH_PROJECTIONS ?? 'three,shapes,rebuild').split(','));
  const tables: BenchTable[] = [];
  if (only.has('three'))
    tables.push(await step('three projections', () => threeProjectionsTable(context, live)));
  if (only.has('shapes')) tables.push(await step('shapes', () => shapesTable(context, live)));
  if (only.has('rebuild')) tables.push(await step('rebuild', () => rebuildTable(context, rebuilt)));
  return tables;
};

export default projectionsBenchmark;
