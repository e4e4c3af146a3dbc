import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { StreamNotEnabledError } from './errors.js';
import { type ShardInfo, toShardInfo } from './shard-lineage.js';

/**
 * The ARN of the table's current stream, from `DescribeTable`.
 *
 * @throws {@link StreamNotEnabledError} when the table has no enabled stream.
 */
export async function resolveStreamArn(client: DynamoDBClient, tableName: string): Promise<string> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const arn = Table?.LatestStreamArn;
  if (Table?.StreamSpecification?.StreamEnabled !== true || arn === undefined) {
    throw new StreamNotEnabledError(tableName);
  }
  return arn;
}

/** Every shard of the stream, following `LastEvaluatedShardId` across pages of `DescribeStream`. */
export async function listShards(streams: DynamoDBStreamsClient, streamArn: string): Promise<ShardInfo[]> {
  const shards: ShardInfo[] = [];
  let exclusiveStartShardId: string | undefined;
  do {
    const { StreamDescription } = await streams.send(
      new DescribeStreamCommand({
        StreamArn: streamArn,
        ExclusiveStartShardId: exclusiveStartShardId,
        Limit: 100,
      }),
    );
    for (const shard of StreamDescription?.Shards ?? []) {
      if (shard.ShardId !== undefined) shards.push(toShardInfo(shard));
    }
    exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
  } while (exclusiveStartShardId !== undefined);
  return shards;
}

/**
 * A DynamoDB Streams client with the region, credentials, endpoint and retry settings of `client`.
 * A custom endpoint (DynamoDB Local) is reused as is, since Local serves both APIs on one port;
 * on AWS the Streams client finds its own endpoint (`streams.dynamodb.<region>.amazonaws.com`).
 * It gets its own HTTP handler, so destroying it leaves `client` untouched.
 *
 * @example
 * const streams = streamsClientLike(new DynamoDBClient({ region: 'eu-west-1' }));
 */
export function streamsClientLike(client: DynamoDBClient): DynamoDBStreamsClient {
  const config = client.config;
  return new DynamoDBStreamsClient({
    region: config.region,
    credentials: config.credentials,
    endpoint: config.isCustomEndpoint ? config.endpoint : undefined,
    maxAttempts: config.maxAttempts,
    retryMode: config.retryMode,
    useFipsEndpoint: config.useFipsEndpoint,
    useDualstackEndpoint: config.useDualstackEndpoint,
  });
}
