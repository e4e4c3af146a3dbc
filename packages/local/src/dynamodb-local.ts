import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * A running (or connected) DynamoDB Local, as returned by {@link startDynamoDBLocal} and
 * {@link connectDynamoDBLocal}.
 *
 * @example
 * ```ts
 * const local: DynamoDBLocal = await connectDynamoDBLocal();
 * await local.client.send(new ListTablesCommand({}));
 * await local.stop();
 * ```
 */
export interface DynamoDBLocal {
  /** Base URL, e.g. `http://127.0.0.1:41235`. */
  readonly endpoint: string;
  /** A client for `endpoint`, destroyed by `stop()`. */
  readonly client: DynamoDBClient;
  /** Process id of the Java process; `undefined` when connected to an endpoint started elsewhere. */
  readonly pid: number | undefined;
  /** Destroys the client and stops the Java process if this handle started it. Safe to call twice. */
  stop(): Promise<void>;
}
