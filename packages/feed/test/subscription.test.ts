import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Feed, FeedEvent } from '../src/index.js';
import { appendEvents, feedTables, indexStreams } from './support/tables.js';

let tables: Awaited<ReturnType<typeof feedTables>>;
let feed: Feed;

beforeEach(async () => {
  tables = await feedTables();
  feed = tables.newFeed({ positionsPerEpoch: 4, maxEventsPerBatch: 3 });
  await appendEvents(tables.store, 'a', ['Opened', 'Deposited', 'Withdrawn']);
  await appendEvents(tables.store, 'b', ['Opened', 'Deposited']);
  await indexStreams(tables, feed, ['a', 'b'], 2);
});
afterEach(() => tables.destroy());

const recorder = () => {
  const seen: string[] = [];
  return {
    seen,
    handler: (event: FeedEvent) => void seen.push(`${event.position}:${event.streamId}@${event.version}`),
  };
};

describe('subscriptions', () => {
  it('catch up from the beginning, save the checkpoint, and resume after it', async () => {
    const { seen, handler } = recorder();
    const subscription = feed.subscription({ name: 'audit', handler, pageSize: 2 });
    expect(await subscription.catchUp()).toEqual({ handled: 5, position: 5 });
    expect(seen).toEqual(['1:a@1', '2:a@2', '3:a@3', '4:b@1', '5:b@2']);
    expect(await subscription.position()).toBe(5);
    await appendEvents(tables.store, 'a', ['Deposited']);
    await indexStreams(tables, feed, ['a']);
    const again = recorder();
    const restarted = tables.newFeed().subscription({ name: 'audit', handler: again.handler });
    expect(await restarted.catchUp()).toEqual({ handled: 1, position: 6 });
    expect(again.seen).toEqual(['6:a@4']);
  });

  it('start at a given position when they have no checkpoint, and move it past filtered events', async () => {
    const { seen, handler } = recorder();
    const subscription = feed.subscription({
      name: 'deposits',
      handler,
      fromPosition: 3,
      filter: { types: ['Deposited'] },
    });
    expect(await subscription.catchUp()).toEqual({ handled: 1, position: 5 });
    expect(seen).toEqual(['5:b@2']);
    expect(await subscription.position()).toBe(5);
  });

  it('deliver the event that failed again after a crash (at least once), and the ones before it not', async () => {
    let fail = true;
    const seen: number[] = [];
    const handler = (event: FeedEvent) => {
      if (event.position === 4 && fail) throw new Error('crash while handling 4');
      seen.push(event.position);
    };
    const subscription = feed.subscription({ name: 'flaky', handler });
    await expect(subscription.catchUp()).rejects.toThrow('crash while handling 4');
    expect(await subscription.position()).toBe(3);
    fail = false;
    await tables.newFeed().subscription({ name: 'flaky', handler }).catchUp();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('follow the feed live until stopped, and a read-your-writes wait sees new events', async () => {
    const { seen, handler } = recorder();
    const subscription = feed.subscription({ name: 'live', handler, poll: { minMs: 10, maxMs: 50 } });
    const stop = new AbortController();
    const running = subscription.run({ signal: stop.signal });
    expect(await subscription.waitForPosition(5, { timeoutMs: 10_000 })).toBe(true);
    await appendEvents(tables.store, 'c', ['Opened', 'Deposited']);
    await indexStreams(tables, feed, ['c']);
    const written = await feed.streamPosition('c');
    expect(written).toEqual({ version: 2, position: 7 });
    expect(await subscription.waitForPosition(written?.position ?? 0, { timeoutMs: 10_000 })).toBe(true);
    stop.abort();
    await running;
    expect(seen).toEqual(['1:a@1', '2:a@2', '3:a@3', '4:b@1', '5:b@2', '6:c@1', '7:c@2']);
    expect(await subscription.position()).toBe(7);
    expect(await subscription.waitForPosition(8, { timeoutMs: 50 })).toBe(false);
  });

  it('wait for the feed when it has no batch yet', async () => {
    const own = await feedTables();
    const { seen, handler } = recorder();
    const empty = own.newFeed();
    const subscription = empty.subscription({ name: 'early', handler, poll: { minMs: 10, maxMs: 20 } });
    expect(await subscription.catchUp()).toEqual({ handled: 0, position: 0 });
    const stop = new AbortController();
    const running = subscription.run({ signal: stop.signal });
    await appendEvents(own.store, 'x', ['Opened']);
    await indexStreams(own, own.newFeed(), ['x']);
    expect(await subscription.waitForPosition(1, { timeoutMs: 10_000 })).toBe(true);
    stop.abort();
    await running;
    expect(seen).toEqual(['1:x@1']);
    own.destroy();
  });
});
