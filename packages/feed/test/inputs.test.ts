import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventStore } from '@dynamo-es/event-store';
import { describe, expect, it } from 'vitest';
import {
  createFeedIndexer,
  Feed,
  type FeedOptions,
  isInvalidFeedInputError,
  MAX_BATCH_BYTES,
  rebuildFeed,
  validateFeed,
} from '../src/index.js';

// Nothing here may reach DynamoDB: a client whose every request fails the test.
const client = new DynamoDBClient({ region: 'local', endpoint: 'http://127.0.0.1:9' });
client.send = (() => {
  throw new Error('a request was sent');
}) as never;
const eventStore = new EventStore({ client, tableName: 'events' });
const options: FeedOptions = { client, tableName: 'events-feed', eventStore };

const rejection = (path: string, words: string) =>
  expect.objectContaining({
    code: 'DYNAMO_ES_FEED_INVALID_INPUT',
    path,
    message: expect.stringContaining(words),
  });

describe('bad input (offline): a typed error naming what is wrong, before any request', () => {
  it.each([
    ['a missing client', { client: undefined }, 'client', 'DynamoDBClient'],
    ['a bad table name', { tableName: 'a b' }, 'tableName', 'table name'],
    ['the events table as the feed table', { tableName: 'events' }, 'tableName', 'table of its own'],
    ['no event store', { eventStore: {} }, 'eventStore', 'EventStore'],
    ['a fractional epoch', { positionsPerEpoch: 1.5 }, 'positionsPerEpoch', 'integer'],
    ['an epoch of 1', { positionsPerEpoch: 1 }, 'positionsPerEpoch', 'at least 2'],
    ['zero streams per batch', { maxStreamsPerBatch: 0 }, 'maxStreamsPerBatch', 'at least 1'],
    ['a batch over 256 KB', { maxBatchBytes: MAX_BATCH_BYTES + 1 }, 'maxBatchBytes', `to ${MAX_BATCH_BYTES}`],
    ['a string concurrency', { concurrency: '4' }, 'concurrency', 'got "4"'],
  ])('new Feed rejects %s', (_, patch, path, words) => {
    expect(() => new Feed({ ...options, ...(patch as object) })).toThrow(rejection(path, words));
  });

  it.each([
    ['a negative position', { fromPosition: -1 }, 'options.fromPosition', 'at least 0'],
    ['a page size of 0', { pageSize: 0 }, 'options.pageSize', 'at least 1'],
    ['a filter that is a string', { filter: 'Deposited' }, 'options.filter', '{ types?, streamPrefix? }'],
    [
      'types that are not a list',
      { filter: { types: 'Deposited' } },
      'options.filter.types',
      'non-empty strings',
    ],
    ['an empty type', { filter: { types: [''] } }, 'options.filter.types', 'non-empty strings'],
    ['an empty stream prefix', { filter: { streamPrefix: '' } }, 'options.filter.streamPrefix', 'non-empty'],
  ])('readAll and readEntries reject %s', async (_, read, path, words) => {
    const feed = new Feed(options);
    await expect(feed.readAll(read as never).next()).rejects.toThrow(rejection(path, words));
    await expect(feed.readEntries(read as never).next()).rejects.toThrow(rejection(path, words));
  });

  it('subscriptions reject a missing name or handler and bad polling', () => {
    const feed = new Feed(options);
    const handler = () => {};
    expect(() => feed.subscription({ name: '', handler })).toThrow(rejection('options.name', 'non-empty'));
    expect(() => feed.subscription({ name: 'audit' } as never)).toThrow(
      rejection('options.handler', 'function'),
    );
    expect(() => feed.subscription({ name: 'audit', handler, poll: { minMs: 0 } })).toThrow(
      rejection('options.poll.minMs', 'at least 1'),
    );
  });

  it('the indexer, validateFeed and rebuildFeed reject what is not a feed or bad counts', async () => {
    expect(() => createFeedIndexer({ feed: {} as never })).toThrow(rejection('feed', 'a Feed'));
    const feed = new Feed(options);
    await expect(validateFeed({ feed, segments: 0 })).rejects.toThrow(rejection('segments', 'at least 1'));
    await expect(validateFeed({ feed, maxProblems: -1 })).rejects.toThrow(
      rejection('maxProblems', 'at least 1'),
    );
    await expect(rebuildFeed({ feed, segments: 1.5 })).rejects.toThrow(rejection('segments', 'integer'));
  });

  it('are recognized by their guard', () => {
    try {
      new Feed({ ...options, tableName: '' });
    } catch (error) {
      expect(isInvalidFeedInputError(error)).toBe(true);
      expect((error as Error).name).toBe('InvalidFeedInputError');
    }
  });
});
