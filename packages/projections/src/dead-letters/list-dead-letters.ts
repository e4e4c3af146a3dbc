import {
  type AttributeValue,
  type DynamoDBClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { type DeadLetter, decodeDeadLetter } from '../codec/dead-letter-codec.js';
import { DEAD_LETTER_INDEX, deadLetterIndexKey, deadLetterKey, type ProjectionRef } from '../keys.js';
import { assertProjectionRef } from '../validation.js';

/**
 * Options of {@link listDeadLetters}.
 *
 * @example
 * const options: ListDeadLettersOptions = { client, tableName: 'read-models', projection: accounts, status: 'all' };
 */
export interface ListDeadLettersOptions {
  readonly client: DynamoDBClient;
  /** The read-model table. */
  readonly tableName: string;
  /** The projection version (a projection from `defineProjection`, or `{ name, version }`). */
  readonly projection: ProjectionRef;
  /** Which dead letters (default `'open'`). */
  readonly status?: 'open' | 'replayed' | 'all';
  /** Only this stream's. */
  readonly streamId?: string;
}

/**
 * Lists a projection version's dead letters, by stream and then version. With `streamId`, a
 * strongly consistent query; without, the `deadLetters` index (eventually consistent: a dead
 * letter written a moment ago may be missing).
 *
 * @example
 * for (const letter of await listDeadLetters({ client, tableName: 'read-models', projection: accounts })) {
 *   console.log(letter.streamId, letter.version, letter.error.message);
 * }
 */
export async function listDeadLetters(options: ListDeadLettersOptions): Promise<DeadLetter[]> {
  assertProjectionRef(options?.projection);
  const status = options.status ?? 'open';
  const letters: DeadLetter[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const output = await options.client.send(
      new QueryCommand({ ...query(options), ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}) }),
    );
    for (const item of output.Items ?? []) {
      const letter = decodeDeadLetter(item);
      if (status === 'all' || letter.status === status) letters.push(letter);
    }
    ExclusiveStartKey = output.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return letters;
}

// One stream's dead letters share a partition of the table: read it strongly consistent. All of
// a version's dead letters need the index, which is eventually consistent.
function query(options: ListDeadLettersOptions): QueryCommandInput {
  if (options.streamId !== undefined) {
    return {
      TableName: options.tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: {
        ':pk': deadLetterKey(options.projection, options.streamId, 0).pk as AttributeValue,
      },
      ConsistentRead: true,
    };
  }
  return {
    TableName: options.tableName,
    IndexName: DEAD_LETTER_INDEX,
    KeyConditionExpression: '#projection = :projection',
    ExpressionAttributeNames: { '#projection': 'dlProjection' },
    ExpressionAttributeValues: { ':projection': { S: deadLetterIndexKey(options.projection) } },
  };
}
