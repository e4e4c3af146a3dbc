import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { injectFaults } from '../../../test/reliability/support/faults.js';
import { propertySeed } from '../../../test/support/property-seed.js';
import {
  type AppendResult,
  type ConcurrencyError,
  type ExpectedVersion,
  isConcurrencyError,
  type StoredEvent,
} from '../src/index.js';
import { eventsTable, newStreamId } from './fixture.js';

let table: Awaited<ReturnType<typeof eventsTable>>;
beforeAll(async () => {
  table = await eventsTable();
});

type Mode = 'exact' | 'stale' | 'ahead' | 'no-stream' | 'exists' | 'any';
type Part = { stream: number; count: number; mode: Mode };
type Command =
  | { kind: 'append'; parts: Part[]; lost: boolean }
  | { kind: 'retry'; pick: number }
  | { kind: 'read'; stream: number; from: number; backward: boolean };

const STREAMS = 3;
const part = fc.record({
  stream: fc.integer({ min: 0, max: STREAMS - 1 }),
  count: fc.integer({ min: 1, max: 3 }),
  mode: fc.constantFrom<Mode>('exact', 'stale', 'ahead', 'no-stream', 'exists', 'any'),
});
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      parts: fc.uniqueArray(part, { minLength: 1, maxLength: 2, selector: (p) => p.stream }),
      lost: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retry' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      stream: fc.integer({ min: 0, max: STREAMS - 1 }),
      from: fc.integer({ min: 1, max: 8 }),
      backward: fc.boolean(),
    }),
  },
);

/** An append that landed, as sent (retries repeat it exactly), and where its events are now. */
interface Landed {
  readonly appends: { streamId: string; stream: number; ids: string[]; expectedVersion: ExpectedVersion }[];
  /** The version of each part's first event (the newest copy, for `'any'` appends stored twice). */
  readonly at: number[];
}

const positional = (expected: ExpectedVersion) => typeof expected === 'number' || expected === 'no-stream';

type Sent = Landed['appends'][number] & { version: number; mode: Mode };

/**
 * The model: each stream is a list of event ids. An append succeeds when every part's expected
 * version holds; a retry of a landed append is recognised (nothing written, the original result
 * returned) when a part had an exact expected version, or when one part's events are still among
 * the part's newest k events (the documented limit of `'any'`/`'exists'` retries); otherwise it is
 * appended again. Lost answers: the write lands, the caller sees a timeout.
 */
class Model {
  readonly store = table.newStore();
  readonly streams = Array.from({ length: STREAMS }, () => newStreamId());
  readonly #events: string[][] = Array.from({ length: STREAMS }, () => []);
  readonly #landed: Landed[] = [];
  #counter = 0;

  async run(cmd: Command): Promise<void> {
    if (cmd.kind === 'read') return this.#read(cmd);
    if (cmd.kind === 'append') return this.#append(cmd);
    const entry = this.#landed[cmd.pick % Math.max(1, this.#landed.length)];
    if (entry) await this.#retry(entry);
  }

  async verify(): Promise<void> {
    for (const [index, streamId] of this.streams.entries()) {
      const { events, version } = await table.newStore().readStream(streamId);
      const expected = this.#events[index] as string[];
      expect(events.map((e) => e.eventId)).toEqual(expected);
      expect(events.map((e) => e.version)).toEqual(expected.map((_, i) => i + 1));
      expect(version).toBe(expected.length);
    }
  }

  async #read(cmd: Extract<Command, { kind: 'read' }>): Promise<void> {
    const stored = this.#events[cmd.stream] as string[];
    const options = cmd.backward
      ? { direction: 'backward' as const, fromVersion: cmd.from }
      : { fromVersion: cmd.from };
    const read: StoredEvent[] = [];
    for await (const e of this.store.read(this.streams[cmd.stream] as string, options)) read.push(e);
    const expected = cmd.backward ? stored.slice(0, cmd.from).reverse() : stored.slice(cmd.from - 1);
    expect(read.map((e) => e.eventId)).toEqual(expected);
  }

  async #append(cmd: Extract<Command, { kind: 'append' }>): Promise<void> {
    const appends = cmd.parts.map((p) => this.#part(p));
    if (appends.some((a) => typeof a.expectedVersion === 'number' && a.expectedVersion < 0)) return;
    const failing = appends.filter(
      (a) =>
        a.mode === 'stale' ||
        a.mode === 'ahead' ||
        (a.mode === 'no-stream' && a.version > 0) ||
        (a.mode === 'exists' && a.version === 0),
    );
    const faults = cmd.lost
      ? injectFaults(table.client, {
          seed: 1,
          rate: 1,
          kinds: ['lost-response'],
          limit: 1,
          where: 'outside-sdk-retries',
        })
      : undefined;
    const outcome = await this.#send(appends).finally(() => faults?.remove());
    if (failing.length > 0) {
      // A lost answer hides the conflict behind a timeout; either way nothing was written.
      if (cmd.lost && !isConcurrencyError(outcome)) expect(outcome).toMatchObject({ name: 'TimeoutError' });
      else expectConflict(outcome, failing);
      return;
    }
    const at = appends.map((a) => a.version + 1);
    if (cmd.lost) expect(outcome).toMatchObject({ name: 'TimeoutError' });
    else expectResults(outcome, appends, at, false);
    for (const a of appends) (this.#events[a.stream] as string[]).push(...a.ids);
    this.#landed.push({ appends, at });
  }

  #part(p: Part): Sent {
    const version = (this.#events[p.stream] as string[]).length;
    const expectedVersion: ExpectedVersion = {
      exact: version,
      stale: version - 1,
      ahead: version + 1,
      'no-stream': 'no-stream' as const,
      exists: 'exists' as const,
      any: 'any' as const,
    }[p.mode];
    const ids = Array.from({ length: p.count }, () => `e${this.#counter++}`);
    return {
      streamId: this.streams[p.stream] as string,
      stream: p.stream,
      ids,
      expectedVersion,
      version,
      mode: p.mode,
    };
  }

  async #retry(entry: Landed): Promise<void> {
    const newer = entry.appends.map(
      (a, i) => (this.#events[a.stream] as string[]).length - ((entry.at[i] as number) - 1) - a.ids.length,
    );
    const recognised =
      entry.appends.some((a) => positional(a.expectedVersion)) ||
      entry.appends.some((a, i) => (newer[i] as number) < a.ids.length);
    const outcome = await this.#send(entry.appends);
    if (recognised) {
      expectResults(outcome, entry.appends, entry.at, true);
      return;
    }
    const at = entry.appends.map((a) => (this.#events[a.stream] as string[]).length + 1);
    expectResults(outcome, entry.appends, at, false);
    entry.appends.forEach((a, i) => {
      (this.#events[a.stream] as string[]).push(...a.ids);
      entry.at[i] = at[i] as number;
    });
  }

  async #send(appends: Landed['appends']): Promise<AppendResult[] | unknown> {
    const events = (ids: string[]) => ids.map((eventId) => ({ type: 'E', data: null, eventId }));
    const request = appends.map((a) => ({
      streamId: a.streamId,
      events: events(a.ids),
      expectedVersion: a.expectedVersion,
    }));
    const [single] = request;
    const sent =
      request.length === 1 && single
        ? this.store
            .append(single.streamId, single.events, { expectedVersion: single.expectedVersion })
            .then((r) => [r])
        : this.store.appendMany(request);
    return sent.catch((error: unknown) => error);
  }
}

describe('model-based: the store agrees with an in-memory model', () => {
  it('for random appends and appendMany in every expected-version mode, lost answers, retries and reads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
        const model = new Model();
        for (const cmd of commands) await model.run(cmd);
        await model.verify();
      }),
      { seed: propertySeed('model #1'), numRuns: 40 },
    );
  });
});

function expectResults(outcome: unknown, appends: Landed['appends'], at: number[], duplicate: boolean): void {
  expect(Array.isArray(outcome), String(outcome)).toBe(true);
  const results = outcome as AppendResult[];
  results.forEach((result, i) => {
    const { ids } = appends[i] as Landed['appends'][number];
    expect(result.duplicate).toBe(duplicate);
    expect(result.events.map((e) => e.eventId)).toEqual(ids);
    expect(result.events.map((e) => e.version)).toEqual(ids.map((_, j) => (at[i] as number) + j));
    expect(result.version).toBe((at[i] as number) + ids.length - 1);
  });
}

function expectConflict(
  outcome: unknown,
  failing: { streamId: string; version: number; mode: Mode; expectedVersion: ExpectedVersion }[],
): void {
  expect(isConcurrencyError(outcome), String(outcome)).toBe(true);
  const error = outcome as ConcurrencyError;
  const part = failing.find((f) => f.streamId === error.streamId);
  expect(part, 'the conflict names a stream whose expected version was wrong').toBeDefined();
  if (!part) return;
  if (part.mode === 'exists') expect(error.actualVersion).toBe(0);
  // Ahead: the gap proof failed, and the head was read to report where the stream is.
  else if (part.mode === 'ahead') expect(error.actualVersion).toBe(part.version);
  else {
    // Behind: the version found in the slot it wanted, read from the failed write at no cost.
    const base = part.mode === 'no-stream' ? 0 : (part.expectedVersion as number);
    expect(error.actualVersion).toBeGreaterThan(base);
    expect(error.actualVersion).toBeLessThanOrEqual(part.version);
  }
}
