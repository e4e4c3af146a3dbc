import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Counts of the commands sent through one client, see {@link countRequests}. */
export interface RequestCounter {
  /** Commands sent since creation or the last `reset()`. */
  count(): number;
  /** The same, per command name, e.g. `{ PutItemCommand: 2, QueryCommand: 1 }`. */
  byCommand(): Record<string, number>;
  reset(): void;
  /** Stops counting (removes the middleware). */
  remove(): void;
}

let counters = 0;

/**
 * Counts the commands `client` sends, failed ones included, by adding a middleware at the `build` step.
 * That step runs once per `send()`, so SDK retries of one command count once.
 *
 * @example
 * ```ts
 * const requests = countRequests(client);
 * await store.append(streamId, events);
 * expect(requests.byCommand()).toEqual({ TransactWriteItemsCommand: 1 });
 * ```
 */
export const countRequests = (client: DynamoDBClient): RequestCounter => {
  const name = `dynamo-es-request-counter-${++counters}`;
  let counts: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'UnknownCommand';
      counts[command] = (counts[command] ?? 0) + 1;
      return next(args);
    },
    { step: 'build', name },
  );
  return {
    count: () => Object.values(counts).reduce((sum, n) => sum + n, 0),
    byCommand: () => ({ ...counts }),
    reset: () => {
      counts = {};
    },
    remove: () => {
      client.middlewareStack.remove(name);
    },
  };
};
