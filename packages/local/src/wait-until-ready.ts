import { type DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoDBClient } from './create-dynamodb-client.js';
import { DynamoDBLocalStartupTimeoutError } from './errors.js';

/** Options of {@link waitUntilReady}. */
export interface WaitUntilReadyOptions {
  readonly endpoint: string;
  readonly timeoutMs: number;
  /** Resolves with the error to report if the process dies first, which stops the wait early. */
  readonly exited: Promise<Error>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until an answer (resolves `undefined`), the deadline (resolves the timeout error) or `isStopped()`. */
const poll = async (
  probe: DynamoDBClient,
  options: WaitUntilReadyOptions,
  isStopped: () => boolean,
): Promise<Error | undefined> => {
  const deadline = Date.now() + options.timeoutMs;
  let delayMs = 25;
  let lastError: unknown;
  while (!isStopped() && Date.now() < deadline) {
    try {
      await probe.send(new ListTablesCommand({ Limit: 1 }));
      return undefined;
    } catch (error) {
      lastError = error;
    }
    await sleep(Math.min(delayMs, Math.max(0, deadline - Date.now())));
    delayMs = Math.min(delayMs * 2, 250);
  }
  const details = { endpoint: options.endpoint, timeoutMs: options.timeoutMs };
  return new DynamoDBLocalStartupTimeoutError(details, { cause: lastError });
};

/**
 * Polls `ListTables` with a short, growing back-off until DynamoDB Local answers.
 *
 * @throws {@link DynamoDBLocalStartupTimeoutError} after `timeoutMs`, or the error `exited` resolves with.
 * @example
 * ```ts
 * await waitUntilReady({ endpoint, timeoutMs: 30_000, exited });
 * ```
 */
export const waitUntilReady = async (options: WaitUntilReadyOptions): Promise<void> => {
  // One attempt per request: the polling loop is the retry policy. Timeouts, because something else may
  // accept connections on the port without ever answering, and a hung request would outlive the deadline.
  const probe = createDynamoDBClient(options.endpoint, {
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
  });
  let stopped = false;
  try {
    // Both sides resolve (never reject), so the loser of the race cannot become an unhandled rejection.
    const error = await Promise.race([poll(probe, options, () => stopped), options.exited]);
    if (error !== undefined) throw error;
  } finally {
    stopped = true;
    probe.destroy();
  }
};
