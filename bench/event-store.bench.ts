import { createTableIfMissing, eventTableDefinition } from '@dynamo-es/event-store';
import { bytesTable, capacityTable } from './event-store/capacity.js';
import { commandsTable } from './event-store/commands.js';
import { compressionTables } from './event-store/compression.js';
import { loadTable } from './event-store/load.js';
import { memoryTable } from './event-store/memory.js';
import type { Benchmark, BenchTable } from './types.js';

/**
 * The event store against a floor that does the minimum work (bench/event-store/floor.ts): 4
 * attributes per event, a conditional PutItem, a Limit 1 head query, a paginated Query plus
 * JSON.parse. Every table prints the measured value, the floor's, the ratio and the target.
 */
const benchmark: Benchmark = async (context) => {
  const suffix = Date.now().toString(36);
  const tables = { store: `bench-es-events-${suffix}`, floor: `bench-es-floor-${suffix}` };
  // The floor's table has the same definition (key schema, stream of new images) as the store's.
  for (const tableName of Object.values(tables)) {
    await createTableIfMissing(context.client, eventTableDefinition(tableName));
  }
  const clients = { store: context.newClient(), floor: context.newClient(), lookup: context.newClient() };
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    console.error(`event-store bench: ${name} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return result;
  };
  const results: BenchTable[] = [];
  results.push(await step('commands', () => commandsTable(clients, tables)));
  results.push(await step('loads', () => loadTable(clients, tables)));
  results.push(await step('bytes per event', () => bytesTable({ clients, tables })));
  results.push(await step('capacity', () => capacityTable({ clients, tables })));
  results.push(...(await step('compression', () => compressionTables(clients, tables.store))));
  results.push(await step('memory', () => memoryTable(clients.lookup, tables.store)));
  return results;
};

export default benchmark;
