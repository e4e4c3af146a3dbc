import {
  type CreateTableCommandInput,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { createTableIfMissing, TABLE_NAME_PATTERN } from '@dynamo-es/event-store';
import type { CheckpointStore, ShardKey } from './checkpoint-store.js';
import { InvalidRunnerOptionsError } from './errors.js';

/**
 * For an optional Time to Live on `expiresAt`: a checkpoint is useless once its shard is trimmed
 * (24 hours after the shard closed), so a week leaves a wide margin.
 */
const CHECKPOINT_TTL_SECONDS = 7 * 24 * 60 * 60;

/**
 * The checkpoint table: partition key `consumer` (consumer name and stream ARN), sort key `shardId`,
 * attribute `sequenceNumber`, and `expiresAt` (epoch seconds) for an optional Time to Live.
 *
 * @example
 * await client.send(new CreateTableCommand(checkpointTableDefinition('runner-checkpoints')));
 */
export function checkpointTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: 'consumer', AttributeType: 'S' },
      { AttributeName: 'shardId', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'consumer', KeyType: 'HASH' },
      { AttributeName: 'shardId', KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

/**
 * Creates the checkpoint table ({@link checkpointTableDefinition}) unless it exists, and waits until it
 * is active. Idempotent.
 *
 * @example
 * await createCheckpointTable(client, { tableName: 'runner-checkpoints' });
 */
export async function createCheckpointTable(
  client: DynamoDBClient,
  options: { tableName: string },
): Promise<void> {
  await createTableIfMissing(client, checkpointTableDefinition(options.tableName));
}

/** Options of {@link DynamoDBCheckpointStore}. */
export interface DynamoDBCheckpointStoreOptions {
  readonly client: DynamoDBClient;
  /** A table created with {@link createCheckpointTable}. */
  readonly tableName: string;
  /** Names the reader, so several runners of one stream keep separate checkpoints (default `'default'`). */
  readonly consumer?: string;
}

/**
 * Stores a runner's checkpoints in DynamoDB, one item per (consumer, stream, shard), so a restarted
 * runner resumes where the last one stopped.
 *
 * @example
 * await createCheckpointTable(client, { tableName: 'runner-checkpoints' });
 * const checkpointStore = new DynamoDBCheckpointStore({ client, tableName: 'runner-checkpoints', consumer: 'orders' });
 * const runner = new StreamRunner({ client, tableName: 'events', handler, checkpointStore });
 */
export class DynamoDBCheckpointStore implements CheckpointStore {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #consumer: string;

  constructor(options: DynamoDBCheckpointStoreOptions) {
    if (typeof options?.client?.send !== 'function') {
      throw new InvalidRunnerOptionsError('checkpointStore.client', 'expected a DynamoDBClient');
    }
    if (typeof options.tableName !== 'string' || !TABLE_NAME_PATTERN.test(options.tableName)) {
      throw new InvalidRunnerOptionsError(
        'checkpointStore.tableName',
        `expected a DynamoDB table name, got ${String(options.tableName)}`,
      );
    }
    if (
      options.consumer !== undefined &&
      (typeof options.consumer !== 'string' || options.consumer.length === 0)
    ) {
      throw new InvalidRunnerOptionsError(
        'checkpointStore.consumer',
        'expected a non-empty name for this reader',
      );
    }
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#consumer = options.consumer ?? 'default';
  }

  async get(shard: ShardKey): Promise<string | undefined> {
    const { Item } = await this.#client.send(
      new GetItemCommand({
        TableName: this.#tableName,
        Key: { consumer: { S: this.#partitionKey(shard) }, shardId: { S: shard.shardId } },
        // A checkpoint written just before a restart must be seen, or acknowledged records come again.
        ConsistentRead: true,
      }),
    );
    return Item?.sequenceNumber?.S;
  }

  async put(shard: ShardKey, sequenceNumber: string): Promise<void> {
    // A plain put, no condition: one runner owns a consumer's checkpoints and only moves them forward.
    // Two runners sharing a consumer would deliver every record twice whatever a condition said here.
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#tableName,
        Item: {
          consumer: { S: this.#partitionKey(shard) },
          shardId: { S: shard.shardId },
          sequenceNumber: { S: sequenceNumber },
          updatedAt: { S: new Date().toISOString() },
          expiresAt: { N: String(Math.floor(Date.now() / 1000) + CHECKPOINT_TTL_SECONDS) },
        },
      }),
    );
  }

  #partitionKey(shard: ShardKey): string {
    return `${this.#consumer}|${shard.streamArn}`;
  }
}
