import { DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import {
  type CheckpointStore,
  createCheckpointTable,
  DynamoDBCheckpointStore,
  InMemoryCheckpointStore,
} from '../src/index.js';

const checkpointTable = uniqueId('runner-checkpoints');

beforeAll(async () => {
  await createCheckpointTable(testClient(), { tableName: checkpointTable });
});
afterAll(async () => {
  await testClient().send(new DeleteTableCommand({ TableName: checkpointTable }));
});

const implementations: Array<[string, () => CheckpointStore]> = [
  ['InMemoryCheckpointStore', () => new InMemoryCheckpointStore()],
  [
    'DynamoDBCheckpointStore',
    () =>
      new DynamoDBCheckpointStore({
        client: testClient(),
        tableName: checkpointTable,
        consumer: uniqueId('c'),
      }),
  ],
];

describe.each(implementations)('CheckpointStore contract: %s', (_name, createStore) => {
  const streamArn = `arn:aws:dynamodb:local:000000000000:table/t/stream/${uniqueId('s')}`;

  it('has no checkpoint for a shard never written', async () => {
    await expect(createStore().get({ streamArn, shardId: 'shardId-1' })).resolves.toBeUndefined();
  });

  it('returns the last sequence number put for a shard', async () => {
    const store = createStore();
    const shard = { streamArn, shardId: 'shardId-2' };
    await store.put(shard, '000000000000000000010');
    await store.put(shard, '000000000000000000020');
    await expect(store.get(shard)).resolves.toBe('000000000000000000020');
  });

  it('keeps shards and streams apart', async () => {
    const store = createStore();
    await store.put({ streamArn, shardId: 'shardId-3' }, '000000000000000000030');
    await expect(store.get({ streamArn, shardId: 'shardId-4' })).resolves.toBeUndefined();
    await expect(
      store.get({ streamArn: `${streamArn}-other`, shardId: 'shardId-3' }),
    ).resolves.toBeUndefined();
  });
});

describe('DynamoDBCheckpointStore', () => {
  it('keeps consumers apart and survives a new store instance (a restart)', async () => {
    const shard = { streamArn: 'arn:aws:dynamodb:local:000000000000:table/t/stream/x', shardId: 'shardId-1' };
    const orders = new DynamoDBCheckpointStore({
      client: testClient(),
      tableName: checkpointTable,
      consumer: 'orders',
    });
    await orders.put(shard, '1'.padStart(40, '0'));
    const restarted = new DynamoDBCheckpointStore({
      client: testClient(),
      tableName: checkpointTable,
      consumer: 'orders',
    });
    await expect(restarted.get(shard)).resolves.toBe('1'.padStart(40, '0'));
    const other = new DynamoDBCheckpointStore({
      client: testClient(),
      tableName: checkpointTable,
      consumer: 'audit',
    });
    await expect(other.get(shard)).resolves.toBeUndefined();
  });

  it('creates its table idempotently', async () => {
    await createCheckpointTable(testClient(), { tableName: checkpointTable });
    const { Table } = await testClient().send(new DescribeTableCommand({ TableName: checkpointTable }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'consumer', KeyType: 'HASH' },
      { AttributeName: 'shardId', KeyType: 'RANGE' },
    ]);
  });
});
