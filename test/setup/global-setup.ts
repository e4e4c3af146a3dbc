import type { TestProject } from 'vitest/node';
// A relative import on purpose: vitest loads global setups in its internal `__vitest__` Vite environment,
// which does not get the `@dynamo-es/source` condition of vitest.config.ts, so `@dynamo-es/local` would
// resolve to the unbuilt dist/ entry.
import { assertLocalEndpoint, connectDynamoDBLocal } from '../../packages/local/src/index.js';

/**
 * Starts one DynamoDB Local for the whole run (or reuses `DYNAMODB_ENDPOINT`), refuses anything that is not
 * on this machine, and hands its endpoint to tests as `inject('dynamodbEndpoint')`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The AWS SDK warns once per process about Node 20 reaching end of support; that is noise in test output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const local = await connectDynamoDBLocal();
  try {
    assertLocalEndpoint(local.endpoint);
  } catch (error) {
    await local.stop();
    throw error;
  }
  project.provide('dynamodbEndpoint', local.endpoint);
  // For processes that tests spawn (CLIs, benchmarks): they reach the same DynamoDB Local via
  // connectDynamoDBLocal() instead of starting their own.
  const previousEndpoint = process.env.DYNAMODB_ENDPOINT;
  process.env.DYNAMODB_ENDPOINT = local.endpoint;
  return async () => {
    if (previousEndpoint === undefined) delete process.env.DYNAMODB_ENDPOINT;
    else process.env.DYNAMODB_ENDPOINT = previousEndpoint;
    await local.stop();
  };
}
