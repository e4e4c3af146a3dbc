import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ExpectedVersion, isConcurrencyError, type StoredEvent } from '../src/index.js';
import { eventsTable, newStreamId } from './fixture.js';

let table: Awaited<ReturnType<typeof eventsTable>>;
beforeAll(async () => {
  table = await eventsTable();
});

type Command =
  | {
      kind: 'append';
      stream: number;
      count: number;
      expected: 'exact' | 'stale' | 'ahead' | 'no-stream' | 'exists' | 'any';
    }
  | { kind: 'retry'; stream: number }
  | { kind: 'read'; stream: number; from: number; backward: boolean };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('append' as const),
    stream: fc.integer({ min: 0, max: 2 }),
    count: fc.integer({ min: 1, max: 3 }),
    expected: fc.constantFrom('exact', 'stale', 'ahead', 'no-stream', 'exists', 'any') as fc.Arbitrary<
      'exact' | 'stale' | 'ahead' | 'no-stream' | 'exists' | 'any'
    >,
  }),
  fc.record({ kind: fc.constant('retry' as const), stream: fc.integer({ min: 0, max: 2 }) }),
  fc.record({
    kind: fc.constant('read' as const),
    stream: fc.integer({ min: 0, max: 2 }),
    from: fc.integer({ min: 1, max: 8 }),
    backward: fc.boolean(),
  }),
);

describe('model-based: the store agrees with an in-memory model', () => {
  it('for random sequences of appends (every expected-version mode, conflicts, retries) and reads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
        const store = table.newStore();
        const streams = [newStreamId(), newStreamId(), newStreamId()];
        const model: string[][] = [[], [], []];
        const lastAppend: ({ ids: string[]; expected: ExpectedVersion } | undefined)[] = [];
        let counter = 0;
        for (const cmd of commands) {
          const streamId = streams[cmd.stream]!;
          const stored = model[cmd.stream]!;
          if (cmd.kind === 'read') {
            const read: StoredEvent[] = [];
            const options = cmd.backward
              ? { direction: 'backward' as const, fromVersion: cmd.from }
              : { fromVersion: cmd.from };
            for await (const e of store.read(streamId, options)) read.push(e);
            const expected = cmd.backward ? stored.slice(0, cmd.from).reverse() : stored.slice(cmd.from - 1);
            expect(read.map((e) => e.eventId)).toEqual(expected);
            continue;
          }
          if (cmd.kind === 'retry') {
            const last = lastAppend[cmd.stream];
            if (!last) continue;
            // Retrying an append that landed is recognised and writes nothing.
            const result = await store.append(
              streamId,
              last.ids.map((eventId) => ({ type: 'E', data: null, eventId })),
              { expectedVersion: last.expected },
            );
            expect(result.events.map((e) => e.eventId)).toEqual(last.ids);
            continue;
          }
          const ids = Array.from({ length: cmd.count }, () => `e${counter++}`);
          const version = stored.length;
          const expected: ExpectedVersion = {
            exact: version,
            stale: version - 1,
            ahead: version + 1,
            'no-stream': 'no-stream' as const,
            exists: 'exists' as const,
            any: 'any' as const,
          }[cmd.expected];
          const shouldSucceed =
            cmd.expected === 'exact' ||
            cmd.expected === 'any' ||
            (cmd.expected === 'no-stream' && version === 0) ||
            (cmd.expected === 'exists' && version > 0);
          if (typeof expected === 'number' && expected < 0) continue;
          try {
            const result = await store.append(
              streamId,
              ids.map((eventId) => ({ type: 'E', data: null, eventId })),
              { expectedVersion: expected },
            );
            expect(shouldSucceed).toBe(true);
            expect(result.version).toBe(version + cmd.count);
            stored.push(...ids);
            lastAppend[cmd.stream] = { ids, expected: typeof expected === 'number' ? expected : version };
          } catch (error) {
            if (!isConcurrencyError(error)) throw error;
            expect(shouldSucceed).toBe(false);
            expect(error.actualVersion).toBe(version);
          }
        }
        for (const [index, streamId] of streams.entries()) {
          const { events, version } = await table.newStore().readStream(streamId);
          expect(events.map((e) => e.eventId)).toEqual(model[index]);
          expect(events.map((e) => e.version)).toEqual(model[index]!.map((_, i) => i + 1));
          expect(version).toBe(model[index]!.length);
        }
      }),
      { numRuns: 40 },
    );
  });
});
