import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  InvalidRunnerOptionsError,
  isInvalidRunnerOptionsError,
  isStreamRunnerError,
  StreamRunner,
  type StreamRunnerOptions,
} from '../src/index.js';

const valid: StreamRunnerOptions = {
  client: { send: async () => ({}) } as unknown as DynamoDBClient,
  tableName: 'events',
  handler: async () => {},
};

describe('StreamRunner options', () => {
  it('accepts the required options alone', () => {
    expect(() => new StreamRunner(valid)).not.toThrow();
  });

  it.each([
    ['batchSize', { batchSize: 0 }],
    ['batchSize', { batchSize: 1001 }],
    ['batchSize', { batchSize: 2.5 }],
    ['maxRetries', { maxRetries: -1 }],
    ['parallelShards', { parallelShards: 0 }],
    ['pollIntervalMs', { pollIntervalMs: Number.NaN }],
    ['startingPosition', { startingPosition: 'AT_TIMESTAMP' }],
    ['tableName', { tableName: '' }],
    ['handler', { handler: 'not a function' }],
    ['client', { client: {} }],
  ])('rejects an invalid %s', (option, overrides) => {
    const create = () => new StreamRunner({ ...valid, ...(overrides as Partial<StreamRunnerOptions>) });
    expect(create).toThrow(InvalidRunnerOptionsError);
    try {
      create();
    } catch (error) {
      expect(isInvalidRunnerOptionsError(error) && isStreamRunnerError(error)).toBe(true);
      expect(error).toMatchObject({ option, code: 'DYNAMO_ES_RUNNER_INVALID_OPTIONS' });
    }
  });

  it('accepts parallelShards: Infinity for one reader per shard, like Lambda', () => {
    expect(() => new StreamRunner({ ...valid, parallelShards: Number.POSITIVE_INFINITY })).not.toThrow();
  });

  it('stops a runner that never started', async () => {
    const runner = new StreamRunner(valid);
    await expect(runner.stop()).resolves.toBeUndefined();
    expect(runner.stats()).toMatchObject({
      batches: 0,
      lagMs: undefined,
      shards: { reading: 0, waiting: 0, finished: 0 },
    });
  });
});
