import type { DynamoDBBatchResponse, DynamoDBStreamEvent, DynamoDBStreamHandler } from 'aws-lambda';
import { createLambdaContext } from './lambda-context.js';

/** How to invoke a handler: the context facts and the handler itself. */
export interface InvokeHandlerInput {
  readonly handler: DynamoDBStreamHandler;
  readonly event: DynamoDBStreamEvent;
  readonly functionName: string;
  readonly streamArn: string;
  readonly timeoutMs: number;
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

const toError = (error: unknown): unknown => (typeof error === 'string' ? new Error(error) : error);

/**
 * Invokes a Lambda handler the ways Lambda's Node.js runtime allows: an async handler (its promise
 * settles the invocation), or a callback handler (the first call of `callback` or `context.done` /
 * `succeed` / `fail` settles it). A synchronous handler that declares no callback parameter and returns
 * a plain value succeeds with that value, since nothing else could ever settle it.
 *
 * @returns the handler's response (`DynamoDBBatchResponse`, or nothing); rejects with its error.
 * @example
 * const response = await invokeHandler({ handler, event, functionName: 'orders', streamArn, timeoutMs });
 */
export function invokeHandler(input: InvokeHandlerInput): Promise<DynamoDBBatchResponse | undefined> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      outcome();
    };
    // Callback style: `callback(error)` fails the invocation, `callback(null, result)` completes it.
    const complete = (error: Error | string | null | undefined, result?: unknown): void =>
      settle(() =>
        error === null || error === undefined
          ? resolve(result as DynamoDBBatchResponse | undefined)
          : reject(toError(error)),
      );
    // A rejected promise or a throw fails the invocation whatever the value, `undefined` included.
    const fail = (error: unknown): void => settle(() => reject(toError(error)));
    const context = createLambdaContext({ ...input, complete });
    try {
      const returned: unknown = input.handler(input.event, context, complete);
      if (isThenable(returned)) {
        returned.then((result) => complete(null, result), fail);
      } else if (input.handler.length < 3) {
        complete(null, returned);
      }
    } catch (error) {
      fail(error);
    }
  });
}
