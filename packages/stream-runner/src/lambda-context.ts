import { randomUUID } from 'node:crypto';
import { totalmem } from 'node:os';
import type { Context } from 'aws-lambda';

/** What the runner knows to fill a Lambda-like `Context` for one invocation. */
export interface InvocationContextInput {
  /** Appears as `functionName` and in `invokedFunctionArn`. */
  readonly functionName: string;
  readonly streamArn: string;
  /** Nominal time budget behind `getRemainingTimeInMillis()`; the runner never cuts a handler short. */
  readonly timeoutMs: number;
  /** Lambda's `context.done/succeed/fail` of old runtimes, routed to the invocation's callback. */
  readonly complete: (error: Error | string | null | undefined, result?: unknown) => void;
}

/**
 * A minimal Lambda `Context` for one invocation outside Lambda: a fresh `awsRequestId`, a nominal
 * deadline, and region and account taken from the stream ARN.
 *
 * @example
 * const context = createLambdaContext({ functionName: 'orders', streamArn, timeoutMs: 900_000, complete });
 */
export function createLambdaContext(input: InvocationContextInput): Context {
  const [, partition = 'aws', , region = '', account = ''] = input.streamArn.split(':');
  const deadline = Date.now() + input.timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: input.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:${partition}:lambda:${region}:${account}:function:${input.functionName}`,
    memoryLimitInMB: String(Math.floor(totalmem() / 1024 / 1024)),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${input.functionName}`,
    logStreamName: `dynamo-es-stream-runner/${process.pid}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: (error, result) => input.complete(error, result),
    fail: (error) => input.complete(error),
    succeed: (result: unknown) => input.complete(null, result),
  };
}
