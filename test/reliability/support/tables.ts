import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createEventTable } from '@dynamo-es/event-store';
import { createReadModelTable } from '@dynamo-es/projections';
import { createCheckpointTable } from '@dynamo-es/stream-runner';

/** The tables of one reliability scenario, each with a unique name. */
export interface LedgerTables {
  readonly events: string;
  readonly readModels: string;
  readonly checkpoints: string;
}

/** Creates an events table (with its stream), a read-model table and a runner checkpoint table. */
export async function createLedgerTables(client: DynamoDBClient, prefix: string): Promise<LedgerTables> {
  const id = randomUUID().slice(0, 8);
  const tables = {
    events: `${prefix}-${id}-events`,
    readModels: `${prefix}-${id}-read-models`,
    checkpoints: `${prefix}-${id}-checkpoints`,
  };
  await Promise.all([
    createEventTable(client, { tableName: tables.events }),
    createReadModelTable(client, { tableName: tables.readModels }),
    createCheckpointTable(client, { tableName: tables.checkpoints }),
  ]);
  return tables;
}

/** Deletes the tables (errors ignored: the DynamoDB Local of the run goes away anyway). */
export async function deleteLedgerTables(client: DynamoDBClient, tables: LedgerTables): Promise<void> {
  await Promise.all(
    Object.values(tables).map((TableName) =>
      client.send(new DeleteTableCommand({ TableName })).catch(() => undefined),
    ),
  );
}
