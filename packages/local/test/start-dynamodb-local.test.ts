import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DynamoDBLocal,
  DynamoDBLocalExitedError,
  isDynamoDBLocalExitedError,
  startDynamoDBLocal,
} from '../src/index.js';
import { isProcessAlive } from './process-alive.js';

const createTable = (client: DynamoDBClient, tableName: string) =>
  client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );

describe('startDynamoDBLocal', () => {
  let local: DynamoDBLocal;

  beforeAll(async () => {
    local = await startDynamoDBLocal();
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('starts an in-memory DynamoDB Local that answers on a loopback endpoint', async () => {
    expect(local.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(local.pid).toBeTypeOf('number');
    const { TableNames } = await local.client.send(new ListTablesCommand({}));
    expect(TableNames).toEqual([]);
  });

  it('shares tables between clients of any region and credentials', async () => {
    await createTable(local.client, 'shared');
    const other = new DynamoDBClient({
      endpoint: local.endpoint,
      region: 'eu-west-1',
      // DynamoDB Local only accepts access key ids made of letters and digits.
      credentials: { accessKeyId: 'someoneElse', secretAccessKey: 'x' },
    });
    try {
      const { Table } = await other.send(new DescribeTableCommand({ TableName: 'shared' }));
      expect(Table?.TableName).toBe('shared');
    } finally {
      other.destroy();
    }
  });
});

describe('stop', () => {
  it('kills the Java process and can be called again', async () => {
    const local = await startDynamoDBLocal();
    const pid = local.pid!;
    expect(isProcessAlive(pid)).toBe(true);
    await local.stop();
    expect(isProcessAlive(pid)).toBe(false);
    await expect(local.stop()).resolves.toBeUndefined();
  });
});

describe('dataDirectory', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'dynamo-es-local-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('creates the directory and keeps tables across a restart', async () => {
    const dataDirectory = join(directory, 'nested', 'data');
    const first = await startDynamoDBLocal({ dataDirectory });
    try {
      await createTable(first.client, 'persisted');
    } finally {
      await first.stop();
    }
    const second = await startDynamoDBLocal({ dataDirectory });
    try {
      const { TableNames } = await second.client.send(new ListTablesCommand({}));
      expect(TableNames).toEqual(['persisted']);
    } finally {
      await second.stop();
    }
  });
});

describe('port', () => {
  let server: Server;
  let takenPort: number;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Accepts connections and never answers, like an unrelated service would.
    server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, resolve));
    takenPort = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails with the JVM error output when the requested port is taken', async () => {
    const error = await startDynamoDBLocal({ port: takenPort }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DynamoDBLocalExitedError);
    expect(isDynamoDBLocalExitedError(error)).toBe(true);
    expect(error).toMatchObject({ exitCode: 1, stderr: expect.stringContaining('BindException') });
    expect((error as Error).message).toContain('Address already in use');
    expect((error as Error).message).not.toContain('\tat ');
  });
});
