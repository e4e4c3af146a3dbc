import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  type TransactWriteItem,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { type ItemKey, keyString } from '../keys.js';
import { backoffDelay, sleep } from './backoff.js';
import { sendWriteActions, type WriteOutcome } from './write-actions.js';

export type Item = Record<string, AttributeValue>;

const BATCH_GET_KEYS = 100;
const BATCH_WRITE_ITEMS = 25;
const MAX_UNPROCESSED_ROUNDS = 12;

/**
 * The DynamoDB boundary of the read-model table. Every read is strongly consistent: the apply
 * path must see the last committed checkpoint and revision, or its conditions would only fail.
 */
export class ReadModelTable {
  readonly client: DynamoDBClient;
  readonly tableName: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  async get(key: ItemKey): Promise<Item | undefined> {
    const output = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return output.Item;
  }

  /** Reads many items, 100 keys per request, retrying `UnprocessedKeys` with back-off. */
  async batchGet(keys: readonly ItemKey[]): Promise<Map<string, Item>> {
    const unique = [...new Map(keys.map((key) => [keyString(key), key])).values()];
    const found = new Map<string, Item>();
    const chunks: ItemKey[][] = [];
    for (let start = 0; start < unique.length; start += BATCH_GET_KEYS)
      chunks.push(unique.slice(start, start + BATCH_GET_KEYS));
    await Promise.all(chunks.map((chunk) => this.#batchGetChunk(chunk, found)));
    return found;
  }

  async #batchGetChunk(keys: ItemKey[], found: Map<string, Item>): Promise<void> {
    let pending: ItemKey[] = keys;
    for (let round = 0; pending.length > 0; round++) {
      if (round > 0) await sleep(backoffDelay(round));
      if (round > MAX_UNPROCESSED_ROUNDS)
        throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
      const output = await this.client.send(
        new BatchGetItemCommand({
          RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
        }),
      );
      for (const item of output.Responses?.[this.tableName] ?? []) found.set(keyString(item), item);
      pending = (output.UnprocessedKeys?.[this.tableName]?.Keys as ItemKey[] | undefined) ?? [];
    }
  }

  /** Writes actions atomically: one conditional write alone, or one transaction. */
  transactWrite(actions: readonly TransactWriteItem[]): Promise<WriteOutcome> {
    return sendWriteActions(this.client, actions);
  }

  /**
   * Writes unconditionally in `BatchWriteItem`s of 25, `concurrency` at a time. `UnprocessedItems`
   * are retried with back-off until written, never dropped.
   */
  async batchWrite(requests: readonly WriteRequest[], concurrency = 8): Promise<void> {
    const chunks: WriteRequest[][] = [];
    for (let start = 0; start < requests.length; start += BATCH_WRITE_ITEMS) {
      chunks.push(requests.slice(start, start + BATCH_WRITE_ITEMS));
    }
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) await this.#batchWriteChunk(chunks[next++] as WriteRequest[]);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
  }

  async #batchWriteChunk(requests: WriteRequest[]): Promise<void> {
    let pending = requests;
    for (let round = 0; pending.length > 0; round++) {
      if (round > 0) await sleep(backoffDelay(round, 50));
      if (round > MAX_UNPROCESSED_ROUNDS)
        throw new Error(`BatchWriteItem left ${pending.length} items unprocessed`);
      const output = await this.client.send(
        new BatchWriteItemCommand({ RequestItems: { [this.tableName]: pending } }),
      );
      pending = output.UnprocessedItems?.[this.tableName] ?? [];
    }
  }
}
