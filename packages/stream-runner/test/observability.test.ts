import { CreateTableCommand, DeleteTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Logger, Metrics, MetricUnit } from '@dynamo-es/event-store';
import { describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { type FailedBatch, StreamRunner } from '../src/index.js';

// Connected: the runner reads a real DynamoDB Stream of DynamoDB Local; only the logger and the
// metrics sink are fakes, and they record what they are told.

interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes: Record<string, unknown>;
}
interface Metric {
  readonly name: string;
  readonly value: number;
  readonly unit: MetricUnit;
}

function recorder() {
  const lines: LogLine[] = [];
  const metrics: Metric[] = [];
  const log =
    (level: LogLine['level']) =>
    (message: string, attributes: Record<string, unknown> = {}) =>
      lines.push({ level, message, attributes });
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const sink: Metrics = { record: (name, value, unit) => metrics.push({ name, value, unit }) };
  return {
    logger,
    sink,
    line: (text: string) => lines.filter((line) => line.message.includes(text)),
    metric: (name: string) => metrics.filter((metric) => metric.name === name),
  };
}

const client = testClient();

describe('StreamRunner hooks', () => {
  it('warns on each retry and when records go to onFailure, with RecordsDelivered and BatchRetries', async () => {
    const observed = recorder();
    // A plain item: DynamoDB Local 3.x drops the type of empty maps in stream images (an event's
    // empty `metadata`), which the runner cannot convert; the hooks do not depend on the item.
    const tableName = uniqueId('runner');
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
    );
    await client.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'poison' } } }));
    const failed: FailedBatch[] = [];
    const runner = new StreamRunner({
      client,
      tableName,
      handler: async () => {
        throw new Error('handler down');
      },
      maxRetries: 2,
      retryBaseDelayMs: 1,
      maxRetryDelayMs: 5,
      pollIntervalMs: 20,
      maxPollIntervalMs: 50,
      onError: () => {},
      onFailure: (batch) => {
        failed.push(batch);
      },
      logger: observed.logger,
      metrics: observed.sink,
    });
    try {
      await runner.start();
      await runner.waitForCaughtUp({ timeoutMs: 20_000 });
    } finally {
      await runner.stop();
      await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => {});
    }

    expect(failed).toHaveLength(1);
    const retries = observed.line('batch failed; retrying');
    expect(retries.map((line) => [line.level, line.attributes.failures])).toEqual([
      ['warn', 1],
      ['warn', 2],
    ]);
    expect(retries[0]?.attributes).toMatchObject({
      shardId: failed[0]?.shardId,
      records: 1,
      bisected: false,
      error: 'handler down',
      delayMs: expect.any(Number),
    });
    expect(observed.line('sending them to onFailure')).toEqual([
      expect.objectContaining({
        level: 'warn',
        attributes: expect.objectContaining({
          shardId: failed[0]?.shardId,
          records: 1,
          attempts: 3,
          error: 'handler down',
        }),
      }),
    ]);
    expect(observed.metric('RecordsDelivered').map((metric) => metric.value)).toEqual([1, 1, 1]);
    expect(observed.metric('BatchRetries').map((metric) => metric.value)).toEqual([1, 1]);
    expect(observed.metric('RecordsSentToOnFailure').map((metric) => metric.value)).toEqual([1]);
  });
});
