import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import {
  decodeDeadline,
  deleteDeadline,
  type IndexedDeadline,
  putDeadline,
  queryDue,
  type SagaKeySpace,
} from './deadline-requests.js';

/** The deadline index of one saga in the read-model table: the only place its requests are sent. */
export class DeadlineIndex {
  readonly #client: DynamoDBClient;
  readonly #table: SagaKeySpace;

  constructor(options: SagaKeySpace & { readonly client: DynamoDBClient }) {
    this.#client = options.client;
    this.#table = { tableName: options.tableName, sagaName: options.sagaName, shards: options.shards };
  }

  get shards(): number {
    return this.#table.shards;
  }

  async put(deadline: IndexedDeadline): Promise<void> {
    await this.#client.send(new PutItemCommand(putDeadline(this.#table, deadline)));
  }

  async delete(deadline: IndexedDeadline): Promise<void> {
    await this.#client.send(new DeleteItemCommand(deleteDeadline(this.#table, deadline)));
  }

  /** Up to `max` deadlines of a shard due at `now`, soonest first (one `Query` per 100). */
  async due(shard: number, now: Date, max: number): Promise<IndexedDeadline[]> {
    const found: IndexedDeadline[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const limit = Math.min(100, max - found.length);
      const output = await this.#client.send(
        new QueryCommand(queryDue({ ...this.#table, shard, now, limit, ...(startKey ? { startKey } : {}) })),
      );
      for (const item of output.Items ?? []) {
        const deadline = decodeDeadline(item);
        if (deadline) found.push(deadline);
      }
      startKey = output.LastEvaluatedKey;
    } while (startKey && found.length < max);
    return found;
  }
}
