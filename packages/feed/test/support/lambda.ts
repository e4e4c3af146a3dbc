import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { acknowledged } from '../../../projections/test/support/lambda.js';

export type { BatchHandler } from '../../../projections/test/support/lambda.js';

export interface DeliveryOptions {
  /** Records per invocation, drawn per invocation. */
  readonly batchSize: () => number;
  /**
   * Runs one invocation. Returning `'crashed'` means the invocation died (its answer never reached
   * Lambda): the whole batch comes again.
   */
  readonly invoke: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | 'crashed'>;
  readonly maxInvocations?: number;
}

/**
 * Delivers the records of one lane (in the order given) the way Lambda's event source mapping does
 * with `ReportBatchItemFailures`: a crash retries the whole batch; reported failures make it go on
 * from the lowest failed sequence number, delivering everything after it again.
 */
export async function deliverLikeLambda(
  records: readonly DynamoDBRecord[],
  options: DeliveryOptions,
): Promise<{ invocations: number; crashes: number }> {
  const maxInvocations = options.maxInvocations ?? 2_000;
  let position = 0;
  let invocations = 0;
  let crashes = 0;
  while (position < records.length) {
    if (++invocations > maxInvocations) throw new Error(`not delivered after ${maxInvocations} invocations`);
    const batch = records.slice(position, position + Math.max(1, options.batchSize()));
    const response = await options.invoke({ Records: [...batch] });
    if (response === 'crashed') {
      crashes++;
      continue;
    }
    position += acknowledged(batch, response);
  }
  return { invocations, crashes };
}

/**
 * A switch that kills a client mid-invocation: once armed at `n`, the n-th request from then on and
 * every later one throw before leaving, as if the process died there (nothing more is written).
 */
export function killSwitch(client: { middlewareStack: { add: (...args: never[]) => void } }) {
  let left: number | undefined;
  let killed = false;
  const middleware = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
    if (left !== undefined && --left <= 0) killed = true;
    if (killed) throw Object.assign(new Error('injected: the invocation was killed'), { name: 'Killed' });
    return next(args);
  };
  client.middlewareStack.add(middleware as never, { step: 'initialize', name: 'feed-kill-switch' } as never);
  return {
    arm: (n: number) => {
      left = n;
      killed = false;
    },
    disarm: () => {
      left = undefined;
      const was = killed;
      killed = false;
      return was;
    },
  };
}
