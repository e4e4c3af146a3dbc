import { createDynamoDBClient } from './create-dynamodb-client.js';
import type { DynamoDBLocal } from './dynamodb-local.js';
import { type StartDynamoDBLocalOptions, startDynamoDBLocal } from './start-dynamodb-local.js';

/**
 * Connects to the DynamoDB Local named by `DYNAMODB_ENDPOINT` if set (its `stop()` only destroys the
 * client), otherwise starts one with {@link startDynamoDBLocal}. Tests, benchmarks and tools call this.
 *
 * @param options - used only when a new DynamoDB Local is started.
 * @example
 * ```ts
 * const { endpoint, client, stop } = await connectDynamoDBLocal();
 * console.log(`DynamoDB Local at ${endpoint}`);
 * await stop();
 * ```
 */
export const connectDynamoDBLocal = async (
  options: StartDynamoDBLocalOptions = {},
): Promise<DynamoDBLocal> => {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (endpoint === undefined || endpoint === '') return startDynamoDBLocal(options);
  const client = createDynamoDBClient(endpoint);
  return {
    endpoint,
    client,
    pid: undefined,
    stop: async () => client.destroy(),
  };
};
