import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { connectDynamoDBLocal, createDynamoDBClient } from '../src/index.js';

describe('connectDynamoDBLocal', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('connects to DYNAMODB_ENDPOINT, and stop() leaves that DynamoDB Local running', async () => {
    const endpoint = inject('dynamodbEndpoint');
    vi.stubEnv('DYNAMODB_ENDPOINT', endpoint);
    const local = await connectDynamoDBLocal();
    expect(local).toMatchObject({ endpoint, pid: undefined });
    await expect(local.client.send(new ListTablesCommand({}))).resolves.toBeDefined();
    await local.stop();
    const other = createDynamoDBClient(endpoint);
    try {
      await expect(other.send(new ListTablesCommand({}))).resolves.toBeDefined();
    } finally {
      other.destroy();
    }
  });
});
