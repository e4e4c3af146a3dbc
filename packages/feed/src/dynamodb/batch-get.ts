import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  type KeysAndAttributes,
} from '@aws-sdk/client-dynamodb';
import type { Item } from '../codec/keys.js';
import { jitteredDelay, sleep } from '../internal/backoff.js';

const MAX_ROUNDS = 12;

/**
 * One `BatchGetItem` of at most 100 keys, with its `UnprocessedKeys` (throttling, or over 16 MB of
 * answer) asked again with backoff until none is left: never a silent partial answer.
 */
export async function batchGet(
  client: DynamoDBClient,
  tableName: string,
  request: KeysAndAttributes,
): Promise<Item[]> {
  const items: Item[] = [];
  let pending: KeysAndAttributes | undefined = request;
  for (let round = 0; pending?.Keys?.length; round++) {
    if (round === MAX_ROUNDS) {
      throw new Error(`BatchGetItem on ${tableName} left keys unprocessed after ${MAX_ROUNDS} rounds`);
    }
    if (round > 0) await sleep(jitteredDelay(round, 25, 2_000));
    const output: BatchGetItemCommandOutput = await client.send(
      new BatchGetItemCommand({ RequestItems: { [tableName]: pending } }),
    );
    items.push(...(output.Responses?.[tableName] ?? []));
    pending = output.UnprocessedKeys?.[tableName];
  }
  return items;
}
