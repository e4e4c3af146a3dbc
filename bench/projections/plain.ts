import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { decodeEventItem, type EventItem, type StoredEvent } from '@dynamo-es/event-store';
import type { DynamoDBRecord } from 'aws-lambda';
import { type Deposited, statementKey, TOTALS_KEY } from './workload.js';

/** Which documents a record changes in a plain read model, and how. */
export type PlainShape = 'balances' | 'statements' | 'totals' | 'ledger';

const keysOf = (shape: PlainShape, streamId: string): string[] => {
  if (shape === 'balances') return [streamId];
  if (shape === 'statements') return [statementKey(streamId)];
  if (shape === 'totals') return [TOTALS_KEY];
  return [streamId, TOTALS_KEY];
};

/**
 * The floor: the hand-written handler one would write without a framework. For each record and
 * each document it changes, one consistent GetItem and one PutItem of a two-attribute document, in
 * order. No checkpoint, so no protection against duplicates, reordering or concurrent invocations:
 * the least DynamoDB work a read model of this shape can do per record, not a correct design.
 */
export function plainHandler(client: DynamoDBClient, tableName: string, shapes: readonly PlainShape[]) {
  const prefix = `plain-${Math.random().toString(36).slice(2)}`;
  return async (event: { Records: DynamoDBRecord[] }) => {
    for (const record of event.Records) {
      const stored = decodeEventItem(record.dynamodb?.NewImage as EventItem) as StoredEvent<Deposited>;
      for (const shape of shapes) {
        for (const key of keysOf(shape, stored.streamId)) {
          const Key = { pk: { S: `${prefix}#${shape}#${key}` }, sk: { S: 'doc' } };
          const { Item } = await client.send(
            new GetItemCommand({ TableName: tableName, Key, ConsistentRead: true }),
          );
          const balance = Number(Item?.balance?.N ?? 0) + stored.data.amount;
          const deposits = Number(Item?.deposits?.N ?? 0) + 1;
          await client.send(
            new PutItemCommand({
              TableName: tableName,
              Item: { ...Key, balance: { N: String(balance) }, deposits: { N: String(deposits) } },
            }),
          );
        }
      }
    }
    return { batchItemFailures: [] };
  };
}
