import type { KinesisClient, KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { assertLocalEndpoint } from '../assert-local-endpoint.js';

// The Kinesis client and the HTTP/1.1 handler are optional peer dependencies, imported when first
// used: `@dynamo-es/local/kinesis` loads without them (and `@dynamo-es/local` never needs them).
const kinesisSdk = () => import('@aws-sdk/client-kinesis');

/**
 * Creates a `KinesisClient` for a local endpoint (kinesalite): region `local`, static dummy
 * credentials, and an HTTP/1.1 handler, because the Kinesis client defaults to HTTP/2, which
 * kinesalite does not speak.
 *
 * @throws NonLocalEndpointError when the endpoint is not on this machine.
 * @example
 * ```ts
 * const client = await createKinesisClient(kinesalite.endpoint);
 * ```
 */
export async function createKinesisClient(
  endpoint: string,
  config: Omit<KinesisClientConfig, 'endpoint'> = {},
): Promise<KinesisClient> {
  assertLocalEndpoint(endpoint);
  const [{ KinesisClient }, { NodeHttpHandler }] = await Promise.all([
    kinesisSdk(),
    import('@smithy/node-http-handler'),
  ]);
  return new KinesisClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
    ...config,
  });
}

/**
 * Creates a data stream of `shards` shards and waits until it is `ACTIVE`.
 *
 * @example
 * ```ts
 * await createKinesisStream(client, 'bank-public', 2);
 * ```
 */
export async function createKinesisStream(
  client: KinesisClient,
  streamName: string,
  shards = 1,
): Promise<void> {
  const { CreateStreamCommand, DescribeStreamSummaryCommand } = await kinesisSdk();
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
  for (let attempt = 0; attempt < 100; attempt++) {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`Kinesis stream ${streamName} did not become ACTIVE within 2 s`);
}
