import type { CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableIfMissing } from '@dynamo-es/event-store';
import { DEAD_LETTER_INDEX, ReadModelAttribute } from './keys.js';

/**
 * The read-model table: documents, checkpoints, dead letters and version registry in one table,
 * keyed by `pk` (string) and `sk` (string), item types told apart by the `pk` prefix:
 *
 * | item | pk | sk |
 * | --- | --- | --- |
 * | document | `doc#<projection>#<version>#<key>` | `doc` |
 * | checkpoint | `cp#<projection>#<version>#<streamId>` | `cp` |
 * | dead letter | `dl#<projection>#<version>#<streamId>` | `v#<event version, 16 digits>` |
 * | version registry | `pv#<projection>` | `v#<version, 16 digits>` |
 * | active version pointer | `pv#<projection>` | `active` |
 * | rebuild pending marker | `pend#<projection>#<version>#<0-15>` | `<streamId>` |
 *
 * The sparse index `deadLetters` (`dlProjection`, `dlOrder`) lists a version's dead letters.
 * No stream needs it enabled. On-demand billing by default.
 *
 * @example
 * await client.send(new CreateTableCommand(readModelTableDefinition('read-models')));
 */
export function readModelTableDefinition(tableName: string): CreateTableCommandInput {
  const { PartitionKey, SortKey, DeadLetterProjection, DeadLetterOrder } = ReadModelAttribute;
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: PartitionKey, AttributeType: 'S' },
      { AttributeName: SortKey, AttributeType: 'S' },
      { AttributeName: DeadLetterProjection, AttributeType: 'S' },
      { AttributeName: DeadLetterOrder, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: PartitionKey, KeyType: 'HASH' },
      { AttributeName: SortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: DEAD_LETTER_INDEX,
        KeySchema: [
          { AttributeName: DeadLetterProjection, KeyType: 'HASH' },
          { AttributeName: DeadLetterOrder, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

/**
 * Creates the read-model table ({@link readModelTableDefinition}) unless it exists. Idempotent.
 *
 * @example
 * await createReadModelTable(client, { tableName: 'read-models' });
 */
export async function createReadModelTable(
  client: DynamoDBClient,
  options: { tableName: string },
): Promise<void> {
  await createTableIfMissing(client, readModelTableDefinition(options.tableName));
}
