import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createEventTable, createIdempotencyTable, createSnapshotTable } from '@dynamo-es/event-store';
import { createReadModelTable } from '@dynamo-es/projections';

/** The bank's four tables. */
export interface BankTables {
  /** The event store (with a stream of `NEW_IMAGE`s that feeds the projections). */
  readonly events: string;
  /** One snapshot of each account's state. */
  readonly snapshots: string;
  /** One record per request id, written with the events of its command (idempotency). */
  readonly idempotency: string;
  /** Read-model documents, projection checkpoints and dead letters. */
  readonly readModels: string;
}

/** Table names sharing one prefix, e.g. `bank-events`, `bank-snapshots`, `bank-read-models`. */
export const bankTableNames = (prefix: string): BankTables => ({
  events: `${prefix}-events`,
  snapshots: `${prefix}-snapshots`,
  idempotency: `${prefix}-idempotency`,
  readModels: `${prefix}-read-models`,
});

/**
 * Creates the tables (unless they exist) with the libraries' own definitions: the same ones the
 * CDK stack in `infra/` deploys.
 */
export async function createBankTables(client: DynamoDBClient, tables: BankTables): Promise<void> {
  await Promise.all([
    createEventTable(client, { tableName: tables.events }),
    createSnapshotTable(client, { tableName: tables.snapshots }),
    createIdempotencyTable(client, { tableName: tables.idempotency }),
    createReadModelTable(client, { tableName: tables.readModels }),
  ]);
}
