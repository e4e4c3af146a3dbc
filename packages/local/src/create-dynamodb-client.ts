import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/**
 * Creates a `DynamoDBClient` for a DynamoDB Local endpoint: region `local` and static dummy credentials,
 * so nothing is read from the environment, `~/.aws` or instance metadata.
 *
 * @param endpoint - e.g. `http://127.0.0.1:8000`.
 * @param config - overrides, e.g. `{ maxAttempts: 1 }`.
 * @example
 * ```ts
 * const client = createDynamoDBClient('http://127.0.0.1:8000');
 * await client.send(new ListTablesCommand({}));
 * ```
 */
export const createDynamoDBClient = (
  endpoint: string,
  config: Omit<DynamoDBClientConfig, 'endpoint'> = {},
): DynamoDBClient =>
  new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // A few retries absorb the occasional transient error of DynamoDB Local under parallel tests,
    // without hiding real failures behind long back-offs.
    maxAttempts: 3,
    ...config,
  });
