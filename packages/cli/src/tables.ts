import {
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { eventTableDefinition, snapshotTableDefinition } from '@dynamo-es/event-store';
import { feedTableDefinition } from '@dynamo-es/feed';
import { readModelTableDefinition } from '@dynamo-es/projections';
import { checkpointTableDefinition } from '@dynamo-es/stream-runner';
import { TableNotFoundError } from './errors.js';

/** The tables of a dynamo-es application, as named on the command line. */
export const TableKind = {
  Events: 'events',
  Snapshots: 'snapshots',
  ReadModels: 'read-models',
  Checkpoints: 'checkpoints',
  Feed: 'feed',
} as const;
export type TableKind = (typeof TableKind)[keyof typeof TableKind];

export const ALL_TABLE_KINDS: readonly TableKind[] = Object.values(TableKind);

/** The physical name of each table. */
export type TableNames = Readonly<Record<TableKind, string>>;

/** The definition of each kind of table, from the package that owns it: the CLI invents none. */
export function tableDefinition(kind: TableKind, tableName: string): CreateTableCommandInput {
  switch (kind) {
    case TableKind.Events:
      return eventTableDefinition(tableName);
    case TableKind.Snapshots:
      return snapshotTableDefinition(tableName);
    case TableKind.ReadModels:
      return readModelTableDefinition(tableName);
    case TableKind.Checkpoints:
      return checkpointTableDefinition(tableName);
    case TableKind.Feed:
      return feedTableDefinition(tableName);
  }
}

/** The table's description, or `undefined` when it does not exist. */
export async function describeTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<TableDescription | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table;
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/**
 * Checks that the tables a command needs exist before it does anything: DynamoDB's own error for a
 * missing table does not say which table, and a half-done command is worse than none.
 */
export async function requireTables(
  client: DynamoDBClient,
  tables: readonly { readonly kind: TableKind; readonly tableName: string }[],
): Promise<Map<TableKind, TableDescription>> {
  const found = await Promise.all(tables.map(({ tableName }) => describeTable(client, tableName)));
  const described = new Map<TableKind, TableDescription>();
  tables.forEach(({ kind, tableName }, index) => {
    const table = found[index];
    if (!table) throw new TableNotFoundError({ kind, tableName });
    described.set(kind, table);
  });
  return described;
}
