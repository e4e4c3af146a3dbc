import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { UsageError } from './errors.js';

/** How to reach DynamoDB: the `--endpoint` and `--region` flags. */
export interface ConnectionOptions {
  readonly endpoint?: string;
  readonly region?: string;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/** True when the endpoint is on this machine, i.e. DynamoDB Local. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  return LOOPBACK.test(new URL(endpoint).hostname);
}

/**
 * A DynamoDB client with the SDK's standard credential chain and region (environment, profiles,
 * SSO, instance roles). For a DynamoDB Local endpoint on this machine with no AWS configuration in
 * the environment, region `local` and dummy credentials: DynamoDB Local accepts any, and an operator
 * should not need an AWS account to look at a local table.
 */
export function createClient(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv = process.env,
): DynamoDBClient {
  const config: DynamoDBClientConfig = {};
  if (options.endpoint !== undefined) {
    assertUrl(options.endpoint);
    config.endpoint = options.endpoint;
    if (isLoopbackEndpoint(options.endpoint)) {
      if (options.region === undefined && !env.AWS_REGION) config.region = 'local';
      if (!env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE) {
        config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
      }
    }
  }
  if (options.region !== undefined) config.region = options.region;
  return new DynamoDBClient(config);
}

function assertUrl(endpoint: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`--endpoint must be a URL such as http://localhost:8000, got "${endpoint}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--endpoint must be an http:// or https:// URL, got "${endpoint}"`);
  }
}
