import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { decodeValue, type StoredEvent } from '@dynamo-es/event-store';
import { describe, expect, it } from 'vitest';
import { type ApplyRules, applyStream, type DocumentState } from '../../src/engine/apply-stream.js';
import { type CheckpointState, INITIAL_CHECKPOINT } from '../../src/engine/checkpoint.js';
import type { DeliveredEvent } from '../../src/engine/delivered-event.js';
import type { DocumentChange } from '../../src/engine/read-model-context.js';
import {
  defineProjection,
  isMissingEventsError,
  isReplayFailedError,
  isTooManyChangesError,
  MissingEventsError,
} from '../../src/index.js';

// Offline: the engine step over an in-memory document state. No DynamoDB.

type Event =
  | {
      readonly type: 'Deposited';
      readonly data: { readonly amount: number; readonly fail?: boolean; readonly fanOut?: number };
    }
  | { readonly type: 'Noted'; readonly data: Record<string, never> };

const RULES: ApplyRules = { maxAttempts: 3, checkpointInterval: 10 };
const NOW = new Date('2026-01-01T00:00:00.000Z');

const event = (
  version: number,
  data: Event['data'] = { amount: 1 },
  type: Event['type'] = 'Deposited',
): StoredEvent =>
  ({
    streamId: 's',
    version,
    eventId: `e${version}`,
    type,
    data,
    metadata: {},
    recordedAt: `2026-01-01T00:00:${String(version).padStart(2, '0')}.000Z`,
    schemaVersion: 1,
  }) as StoredEvent;

const stub = (version: number, type: string, error?: unknown): DeliveredEvent => ({
  stub: true,
  streamId: 's',
  version,
  eventId: `e${version}`,
  type,
  ...(error === undefined ? {} : { error }),
});

function projection(policy: 'park-stream' | 'skip-event' = 'park-stream') {
  return defineProjection<Event, { total: number }>({
    name: 'totals',
    onPoisonEvent: policy,
    handlers: {
      Deposited: async (e, ctx) => {
        if (e.data.fail) throw new Error(`poison ${e.version}`);
        for (let i = 0; i < (e.data.fanOut ?? 0); i++) ctx.put(`fan-${e.version}-${i}`, { total: i });
        await ctx.update('total', (doc) => ({ total: (doc?.total ?? 0) + e.data.amount }));
      },
    },
  });
}

/** Documents in a map; at most `maxItems` items (documents + checkpoint + extras) per write. */
function memoryState(
  initial: Record<string, unknown> = {},
  maxItems = 100,
  failReads = false,
): DocumentState {
  const documents = new Map<string, AttributeValue>(
    Object.entries(initial).map(([key, value]) => [
      key,
      { M: { total: { N: String((value as { total: number }).total) } } },
    ]),
  );
  return {
    read: async (key) => {
      if (failReads) throw new Error('DynamoDB is down');
      return documents.get(key);
    },
    budget: (_streamId, changes: ReadonlyMap<string, DocumentChange>, extraItems) => {
      const items = changes.size + 1 + extraItems;
      return { items, bytes: items * 100, fits: items <= maxItems };
    },
  };
}

const run = (options: {
  events: DeliveredEvent[];
  checkpoint?: CheckpointState;
  state?: DocumentState;
  policy?: 'park-stream' | 'skip-event';
  resume?: number;
  rules?: ApplyRules;
}) =>
  applyStream({
    projection: projection(options.policy),
    streamId: 's',
    checkpoint: options.checkpoint ?? INITIAL_CHECKPOINT,
    events: options.events,
    state: options.state ?? memoryState(),
    rules: options.rules ?? RULES,
    ...(options.resume === undefined ? {} : { resume: options.resume }),
    now: NOW,
  });

const total = (changes: ReadonlyMap<string, DocumentChange>) => {
  const value = changes.get('total');
  return value ? decodeValue(value.value) : value;
};

describe('applyStream (offline)', () => {
  it('applies contiguous events into one change per document, and checkpoints the last version', async () => {
    const step = await run({ events: [event(1), event(2, { amount: 5 }), event(3)] });
    expect(total(step.changes)).toEqual({ total: 7 });
    expect(step.checkpoint).toEqual({ version: 3 });
    expect(step).toMatchObject({ outcome: { kind: 'done' }, applied: 3, deadLetters: [], unparked: false });
    expect(step.newestRecordedAt).toBe('2026-01-01T00:00:03.000Z');
  });

  it('goes past events without a handler, writing the checkpoint only every checkpointInterval versions', async () => {
    const notes = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => event(from + i, {} as never, 'Noted'));
    const quiet = await run({ events: notes(1, 9) });
    expect(quiet).toMatchObject({ checkpoint: undefined, applied: 9, outcome: { kind: 'done' } });
    const behind = await run({ events: notes(1, 10) });
    expect(behind.checkpoint).toEqual({ version: 10 });
  });

  it('counts a failing event in the checkpoint, keeping the changes before it, then dead-letters and parks', async () => {
    const events = [event(1), event(2, { amount: 1, fail: true }), event(3)];
    const first = await run({ events });
    expect(first.checkpoint).toEqual({ version: 1, failedVersion: 2, attempts: 1, lastError: 'poison 2' });
    expect(first.outcome).toMatchObject({ kind: 'retry', fromVersion: 2 });
    expect(first.retried).toMatchObject({ version: 2, attempts: 1 });
    expect(total(first.changes)).toEqual({ total: 1 });

    const second = await run({ events: events.slice(1), checkpoint: first.checkpoint });
    expect(second.checkpoint).toMatchObject({ version: 1, failedVersion: 2, attempts: 2 });
    const third = await run({ events: events.slice(1), checkpoint: second.checkpoint });
    expect(third.checkpoint).toEqual({ version: 1, parkedAt: 2 });
    expect(third.outcome).toEqual({ kind: 'done' });
    expect(third.deadLetters.map(({ letter }) => [letter.version, letter.attempts, letter.policy])).toEqual([
      [2, 3, 'park-stream'],
    ]);
    // Parked: later deliveries apply nothing.
    const parked = await run({ events: events.slice(1), checkpoint: third.checkpoint });
    expect(parked).toMatchObject({ checkpoint: undefined, applied: 0, changes: new Map() });
  });

  it("with 'skip-event', dead-letters the event and applies the rest of the stream", async () => {
    const events = [
      event(1),
      event(2, { amount: 1, fail: true }),
      event(3),
      event(4, { amount: 1, fail: true }),
    ];
    const step = await run({ events, policy: 'skip-event', rules: { ...RULES, maxAttempts: 1 } });
    expect(step.checkpoint).toEqual({ version: 4 });
    expect(total(step.changes)).toEqual({ total: 2 });
    expect(step.deadLetters.map(({ letter }) => letter.version)).toEqual([2, 4]);
  });

  it('clears a recorded failure once the event applies', async () => {
    const step = await run({
      events: [event(2)],
      checkpoint: { version: 1, failedVersion: 2, attempts: 2, lastError: 'x' },
    });
    expect(step.checkpoint).toEqual({ version: 2 });
  });

  it('goes past an undecodable event of a type without a handler, and fails one of a handled type', async () => {
    const broken = new Error('cannot inflate');
    const skipped = await run({ events: [event(1), stub(2, 'Noted', broken), event(3)] });
    expect(skipped).toMatchObject({ checkpoint: { version: 3 }, applied: 3 });
    const failed = await run({ events: [event(1), stub(2, 'Deposited', broken)] });
    expect(failed.checkpoint).toMatchObject({ version: 1, failedVersion: 2, lastError: 'cannot inflate' });
  });

  it('dead-letters a version missing from the store after maxAttempts instead of retrying it for ever', async () => {
    const missing = stub(2, '', new MissingEventsError({ streamId: 's', fromVersion: 2, toVersion: 3 }));
    let checkpoint: CheckpointState | undefined = { version: 1 };
    for (let attempt = 1; attempt < RULES.maxAttempts; attempt++) {
      const step = await run({ events: [missing], checkpoint });
      expect(step.outcome.kind).toBe('retry');
      checkpoint = step.checkpoint;
    }
    const last = await run({ events: [missing], checkpoint });
    expect(last.checkpoint).toEqual({ version: 1, parkedAt: 2 });
    expect(last.deadLetters[0]?.letter).toMatchObject({ version: 2, eventType: '', attempts: 3 });
    expect(isMissingEventsError(last.deadLetters[0]?.error)).toBe(true);
  });

  it('retries without counting an attempt when a document cannot be read', async () => {
    const step = await run({ events: [event(1)], state: memoryState({}, 100, true) });
    expect(step).toMatchObject({ checkpoint: undefined, outcome: { kind: 'retry', fromVersion: 1 } });
    expect(step.retried).toBeUndefined();
  });

  it('stops at a full write (more), and fails an event that alone changes more than one write holds', async () => {
    const full = await run({
      events: [event(1, { amount: 1, fanOut: 2 }), event(2, { amount: 1, fanOut: 2 })],
      state: memoryState({}, 5),
    });
    expect(full.outcome).toEqual({ kind: 'more', fromVersion: 2 });
    expect(full.checkpoint).toEqual({ version: 1 });
    expect(full.changes.size).toBe(3);
    const tooWide = await run({
      events: [event(1, { amount: 1, fanOut: 9 })],
      state: memoryState({}, 5),
      rules: { ...RULES, maxAttempts: 1 },
    });
    expect(isTooManyChangesError(tooWide.deadLetters[0]?.error)).toBe(true);
    expect(tooWide.checkpoint).toEqual({ version: 0, parkedAt: 1 });
  });

  it('unparks on a replay of the parked event, and throws ReplayFailedError when it fails again', async () => {
    const parked = { version: 1, parkedAt: 2 };
    const step = await run({ events: [event(2), event(3)], checkpoint: parked, resume: 2 });
    expect(step).toMatchObject({ checkpoint: { version: 3 }, unparked: true, applied: 2 });
    await expect(
      run({ events: [event(2, { amount: 1, fail: true })], checkpoint: parked, resume: 2 }),
    ).rejects.toSatisfy(isReplayFailedError);
  });
});
