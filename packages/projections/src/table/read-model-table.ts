import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  allItems,
  backoffDelay,
  cancellationCodes,
  isConditionalCheckFailure,
  mapLimit,
  sleep,
} from '@dynamo-es/event-store';
import { type ItemKey, keyString } from '../keys.js';

export type Item = Record<string, AttributeValue>;

const BATCH_GET_KEYS = 100;
const BATCH_WRITE_ITEMS = 25;
const MAX_UNPROCESSED_ROUNDS = 12;

// Cancellation codes that mean "nothing was written; read again and retry". A failed condition
// means another invocation changed a checkpoint or document we read: never overwrite it blindly.
const RETRYABLE_CODES = new Set([
  'ConditionalCheckFailed',
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

/** `committed`, or `conflict`: a condition failed or DynamoDB cancelled for a concurrent transaction. */
export type WriteOutcome = 'committed' | 'conflict';

/**
 * The DynamoDB boundary of the read-model table: the only place the projections package sends
 * requests for it (every request is built by a pure function elsewhere). Reads are strongly
 * consistent: the apply path must see the last committed checkpoint and revision, or its
 * conditions would only fail.
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

  /** Reads many items, 100 keys per request (in parallel), retrying `UnprocessedKeys` with backoff. */
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
      if (round > MAX_UNPROCESSED_ROUNDS)
        throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
      if (round > 0) await sleep(backoffDelay(round, { baseMs: 20, capMs: 2_000 }));
      const output = await this.client.send(
        new BatchGetItemCommand({
          RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
        }),
      );
      for (const item of output.Responses?.[this.tableName] ?? []) found.set(keyString(item), item);
      pending = (output.UnprocessedKeys?.[this.tableName]?.Keys as ItemKey[] | undefined) ?? [];
    }
  }

  /**
   * Writes actions atomically with the fewest capacity units: a single action as a plain
   * conditional write (1 WCU per KB), several as one `TransactWriteItems` (2 WCU per KB per item).
   */
  async write(actions: readonly TransactWriteItem[]): Promise<WriteOutcome> {
    if (actions.length === 0) return 'committed';
    try {
      if (actions.length === 1) await this.#writeOne(actions[0] as TransactWriteItem);
      else await this.client.send(new TransactWriteItemsCommand({ TransactItems: [...actions] }));
      return 'committed';
    } catch (error) {
      if (isRetryableConflict(error)) return 'conflict';
      throw error;
    }
  }

  async #writeOne(action: TransactWriteItem): Promise<void> {
    if (action.Put) await this.client.send(new PutItemCommand(action.Put));
    else if (action.Delete) await this.client.send(new DeleteItemCommand(action.Delete));
    else if (action.Update) await this.client.send(new UpdateItemCommand(action.Update));
    // A lone condition check writes nothing; it only matters inside a transaction.
    else if (action.ConditionCheck)
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: [action] }));
  }

  /** One `PutItem` (the registry's own writes); a failed condition throws as DynamoDB reports it. */
  async put(input: Omit<PutItemCommandInput, 'TableName'>): Promise<void> {
    await this.client.send(new PutItemCommand({ ...input, TableName: this.tableName }));
  }

  /** One `UpdateItem`; a failed condition throws as DynamoDB reports it. */
  async update(input: Omit<UpdateItemCommandInput, 'TableName'>): Promise<void> {
    await this.client.send(new UpdateItemCommand({ ...input, TableName: this.tableName }));
  }

  /**
   * Writes unconditionally in `BatchWriteItem`s of 25, `concurrency` at a time. `UnprocessedItems`
   * are retried with backoff until written, never dropped.
   */
  async batchWrite(requests: readonly WriteRequest[], concurrency = 8): Promise<void> {
    const chunks: WriteRequest[][] = [];
    for (let start = 0; start < requests.length; start += BATCH_WRITE_ITEMS)
      chunks.push(requests.slice(start, start + BATCH_WRITE_ITEMS));
    await mapLimit(chunks, concurrency, (chunk) => this.#batchWriteChunk(chunk));
  }

  async #batchWriteChunk(requests: WriteRequest[]): Promise<void> {
    let pending = requests;
    for (let round = 0; pending.length > 0; round++) {
      if (round > MAX_UNPROCESSED_ROUNDS)
        throw new Error(`BatchWriteItem left ${pending.length} items unprocessed`);
      if (round > 0) await sleep(backoffDelay(round, { baseMs: 50, capMs: 2_000 }));
      const output = await this.client.send(
        new BatchWriteItemCommand({ RequestItems: { [this.tableName]: pending } }),
      );
      pending = output.UnprocessedItems?.[this.tableName] ?? [];
    }
  }

  /** Every item of a `Query` (all pages). */
  query(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
    return allItems((ExclusiveStartKey) =>
      this.client.send(
        new QueryCommand({
          ...input,
          TableName: this.tableName,
          ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
        }),
      ),
    );
  }

  /** Every item of a `Scan`, in `segments` parallel segments. */
  async scan(
    input: Omit<ScanCommandInput, 'TableName' | 'Segment' | 'TotalSegments' | 'ExclusiveStartKey'>,
    segments: number,
  ): Promise<Item[]> {
    const parts = await mapLimit(
      Array.from({ length: segments }, (_, segment) => segment),
      segments,
      (Segment) =>
        allItems((ExclusiveStartKey) =>
          this.client.send(
            new ScanCommand({
              ...input,
              TableName: this.tableName,
              Segment,
              TotalSegments: segments,
              ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
            }),
          ),
        ),
    );
    return parts.flat();
  }
}

/** A failed condition, or a cancellation only for conditions, concurrent transactions or throttling. */
export function isRetryableConflict(error: unknown): boolean {
  if (isConditionalCheckFailure(error)) return true;
  if ((error as { name?: unknown } | undefined)?.name === 'TransactionConflictException') return true;
  const codes = cancellationCodes(error)?.filter((code) => code !== 'None');
  return codes !== undefined && codes.length > 0 && codes.every((code) => RETRYABLE_CODES.has(code));
}
