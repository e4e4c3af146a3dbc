import { createEventTable } from '@dynamo-es/event-store';
import { createReadModelTable } from '@dynamo-es/projections';
import { testClient, uniqueId } from '../../../../test/support/dynamodb.js';

/** An events table and its read-model table with unique names, created in-process (faster than the CLI). */
export async function createTables(): Promise<{ events: string; readModels: string }> {
  const events = uniqueId('cli-events');
  const readModels = `${events}-read-models`;
  await Promise.all([
    createEventTable(testClient(), { tableName: events }),
    createReadModelTable(testClient(), { tableName: readModels }),
  ]);
  return { events, readModels };
}
