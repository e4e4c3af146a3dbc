import { DescribeTableCommand, type DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestClient, uniqueId } from './dynamodb.js';
import { countRequests } from './request-counter.js';

describe('countRequests', () => {
  let client: DynamoDBClient;

  beforeEach(() => {
    client = createTestClient();
  });
  afterEach(() => {
    client.destroy();
  });

  it('counts commands per name, failed ones included', async () => {
    const requests = countRequests(client);
    await client.send(new ListTablesCommand({}));
    await client.send(new ListTablesCommand({}));
    await expect(client.send(new DescribeTableCommand({ TableName: uniqueId('missing') }))).rejects.toThrow();
    expect(requests.count()).toBe(3);
    expect(requests.byCommand()).toEqual({ ListTablesCommand: 2, DescribeTableCommand: 1 });
  });

  it('starts again from zero after reset()', async () => {
    const requests = countRequests(client);
    await client.send(new ListTablesCommand({}));
    requests.reset();
    expect(requests.count()).toBe(0);
    await client.send(new ListTablesCommand({}));
    expect(requests.byCommand()).toEqual({ ListTablesCommand: 1 });
  });

  it('stops counting after remove(), without affecting other counters', async () => {
    const first = countRequests(client);
    const second = countRequests(client);
    await client.send(new ListTablesCommand({}));
    first.remove();
    await client.send(new ListTablesCommand({}));
    expect(first.count()).toBe(1);
    expect(second.count()).toBe(2);
  });

  it('returns a snapshot from byCommand()', async () => {
    const requests = countRequests(client);
    const before = requests.byCommand();
    await client.send(new ListTablesCommand({}));
    expect(before).toEqual({});
  });
});

describe('uniqueId', () => {
  it('returns distinct ids that are valid DynamoDB table names', () => {
    const ids = new Set(Array.from({ length: 1_000 }, () => uniqueId('table')));
    expect(ids.size).toBe(1_000);
    for (const id of ids) expect(id).toMatch(/^table-[a-zA-Z0-9_.-]{3,240}$/);
  });
});
