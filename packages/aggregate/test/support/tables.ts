import { createEventTable, createSnapshotTable } from '@dynamo-es/event-store';
import { testClient, uniqueId } from '../../../../test/support/dynamodb.js';

/** Creates an events table and a snapshots table with unique names on the test run's DynamoDB Local. */
export async function createTables(): Promise<{ events: string; snapshots: string }> {
  const events = uniqueId('aggregate-events');
  const snapshots = uniqueId('aggregate-snapshots');
  await Promise.all([
    createEventTable(testClient(), { tableName: events }),
    createSnapshotTable(testClient(), { tableName: snapshots }),
  ]);
  return { events, snapshots };
}
