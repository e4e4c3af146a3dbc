import { createEventTable, createIdempotencyTable, createSnapshotTable } from '@dynamo-es/event-store';
import { testClient, uniqueId } from '../../../../test/support/dynamodb.js';

/** Creates events, snapshots and idempotency tables with unique names on the test run's DynamoDB Local. */
export async function createTables(): Promise<{ events: string; snapshots: string; keys: string }> {
  const events = uniqueId('aggregate-events');
  const snapshots = uniqueId('aggregate-snapshots');
  const keys = uniqueId('aggregate-keys');
  await Promise.all([
    createEventTable(testClient(), { tableName: events }),
    createSnapshotTable(testClient(), { tableName: snapshots }),
    createIdempotencyTable(testClient(), { tableName: keys }),
  ]);
  return { events, snapshots, keys };
}
