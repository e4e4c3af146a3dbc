import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** A small seeded PRNG (mulberry32): fault schedules that fast-check can replay from a seed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WRITES = new Set([
  'TransactWriteItemsCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
]);

/**
 * Makes some writes of `client` fail: `before` (nothing written) or `after` (written, but the
 * answer is lost, like a timeout). Added at the `initialize` step, outside the SDK's retries.
 */
export function injectWriteFaults(
  client: DynamoDBClient,
  chance: () => 'before' | 'after' | undefined,
): () => void {
  const name = `write-faults-${Math.random()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!WRITES.has(context.commandName ?? '')) return next(args);
      const fault = chance();
      if (fault === 'before')
        throw Object.assign(new Error('injected fault before the write'), { name: 'InternalServerError' });
      const output = await next(args);
      if (fault === 'after')
        throw Object.assign(new Error('injected fault after the write'), { name: 'TimeoutError' });
      return output;
    },
    { step: 'initialize', name },
  );
  return () => client.middlewareStack.remove(name);
}
