import type { DynamoDBRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertySeed } from '../../../test/support/property-seed.js';
import { type BatchOutcome, batchOutcome } from '../src/batch-outcome.js';
import {
  type DeliveryPort,
  deliverBatch,
  type GivenUpRecords,
  type RetryPolicy,
} from '../src/deliver-batch.js';

const recordsOf = (count: number): DynamoDBRecord[] =>
  Array.from({ length: count }, (_, index) => ({ dynamodb: { SequenceNumber: String(100 + index) } }));
const seq = (record: DynamoDBRecord): string => record.dynamodb?.SequenceNumber ?? '';

type Respond = (records: readonly DynamoDBRecord[], invocation: number) => unknown;

/** A port that runs `respond` as the handler and records what the delivery did. */
function harness(respond: Respond) {
  const invocations: string[][] = [];
  const acknowledged: string[] = [];
  const deadLetters: GivenUpRecords[] = [];
  const pauses: number[] = [];
  const events: Array<{ kind: 'invoke'; records: string[] } | { kind: 'ack'; sequence: string }> = [];
  const port: DeliveryPort = {
    invoke: async (records) => {
      invocations.push(records.map(seq));
      events.push({ kind: 'invoke', records: records.map(seq) });
      try {
        return batchOutcome(records, respond(records, invocations.length));
      } catch (error) {
        return { kind: 'failure', error } satisfies BatchOutcome;
      }
    },
    acknowledge: async (record) => {
      acknowledged.push(seq(record));
      events.push({ kind: 'ack', sequence: seq(record) });
      return true;
    },
    deadLetter: async (given) => {
      deadLetters.push(given);
      return true;
    },
    pause: async (ms) => {
      pauses.push(ms);
      return true;
    },
    stopping: () => false,
  };
  return { port, invocations, acknowledged, deadLetters, pauses, events };
}

const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({
  maxRetries: 2,
  bisectOnError: false,
  retryDelayMs: (failures) => failures * 10,
  ...overrides,
});

describe('deliverBatch', () => {
  it('acknowledges a successful batch with one invocation', async () => {
    const { port, invocations, acknowledged } = harness(() => undefined);
    await expect(deliverBatch(recordsOf(3), { policy: policy(), port })).resolves.toBe('completed');
    expect(invocations).toEqual([['100', '101', '102']]);
    expect(acknowledged).toEqual(['102']);
  });

  it('acknowledges before the lowest failed record and redelivers from it', async () => {
    const { port, invocations, acknowledged } = harness((records, invocation) =>
      invocation === 1 ? { batchItemFailures: [{ itemIdentifier: seq(records[2]!) }] } : undefined,
    );
    await deliverBatch(recordsOf(5), { policy: policy(), port });
    expect(invocations).toEqual([
      ['100', '101', '102', '103', '104'],
      ['102', '103', '104'],
    ]);
    expect(acknowledged).toEqual(['101', '104']);
  });

  it('retries a throwing batch with growing pauses, then dead-letters it whole and acknowledges it', async () => {
    const { port, invocations, acknowledged, deadLetters, pauses } = harness(() => {
      throw new Error('down');
    });
    await deliverBatch(recordsOf(2), { policy: policy({ maxRetries: 2 }), port });
    expect(invocations).toHaveLength(3);
    expect(pauses).toEqual([10, 20]);
    expect(deadLetters).toEqual([
      { records: recordsOf(2), attempts: 3, error: expect.objectContaining({ message: 'down' }) },
    ]);
    expect(acknowledged).toEqual(['101']);
  });

  it('gives every record its own retries once the checkpoint moved', async () => {
    // 100 fails twice, then 101 fails twice: with maxRetries 2 neither is given up, because the count
    // starts again when the checkpoint moves past 100.
    const failing = ['100', '100', '101', '101'];
    const { port, invocations, deadLetters, acknowledged } = harness((_records, invocation) => {
      const identifier = failing[invocation - 1];
      return identifier === undefined ? undefined : { batchItemFailures: [{ itemIdentifier: identifier }] };
    });
    await deliverBatch(recordsOf(3), { policy: policy({ maxRetries: 2 }), port });
    expect(deadLetters).toEqual([]);
    expect(invocations.map((invocation) => invocation[0])).toEqual(['100', '100', '100', '101', '101']);
    expect(acknowledged).toEqual(['100', '102']);
  });

  it('with bisectOnError, splits a throwing batch until only the poison record is given up', async () => {
    const { port, deadLetters, acknowledged } = harness((records) => {
      if (records.some((record) => seq(record) === '105')) throw new Error('poison');
      return undefined;
    });
    await deliverBatch(recordsOf(8), { policy: policy({ bisectOnError: true, maxRetries: 1 }), port });
    expect(deadLetters.map((given) => given.records.map(seq))).toEqual([['105']]);
    expect(deadLetters[0]?.attempts).toBe(2);
    expect(acknowledged.at(-1)).toBe('107');
  });

  it('does not start another invocation once stopping, and reports the batch unfinished', async () => {
    let stopping = false;
    const { port, invocations, acknowledged } = harness(() => {
      stopping = true;
      throw new Error('fails while stopping');
    });
    const result = await deliverBatch(recordsOf(2), {
      policy: policy(),
      port: { ...port, stopping: () => stopping },
    });
    expect(result).toBe('stopped');
    expect(invocations).toHaveLength(1);
    expect(acknowledged).toEqual([]);
  });

  it('keeps order and loses nothing whatever the handler does (property)', async () => {
    const behaviour = fc.oneof(
      fc.constant({ kind: 'ok' as const }),
      fc.constant({ kind: 'throw' as const }),
      fc.record({ kind: fc.constant('partial' as const), at: fc.nat(), more: fc.nat() }),
      fc.constant({ kind: 'malformed' as const }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.array(behaviour, { maxLength: 60 }),
        fc.nat({ max: 3 }),
        fc.boolean(),
        async (count, script, maxRetries, bisectOnError) => {
          const records = recordsOf(count);
          const run = harness((batch, invocation) => {
            const step = script[invocation - 1] ?? { kind: 'ok' };
            if (step.kind === 'throw') throw new Error('scripted');
            if (step.kind === 'malformed') return { batchItemFailures: [{ itemIdentifier: 'nope' }] };
            if (step.kind === 'partial') {
              const failed = [batch[step.at % batch.length]!, batch[(step.at + step.more) % batch.length]!];
              return { batchItemFailures: failed.map((record) => ({ itemIdentifier: seq(record) })) };
            }
            return undefined;
          });
          await expect(
            deliverBatch(records, {
              policy: { maxRetries, bisectOnError, retryDelayMs: () => 0 },
              port: run.port,
            }),
          ).resolves.toBe('completed');
          const position = (sequence: string) => records.findIndex((record) => seq(record) === sequence);
          // The checkpoint only moves forward and ends at the last record.
          const acks = run.acknowledged.map(position);
          expect(acks).toEqual([...acks].sort((a, b) => a - b));
          expect(new Set(acks).size).toBe(acks.length);
          expect(acks.at(-1)).toBe(count - 1);
          // Every invocation is a contiguous run of records starting right after the checkpoint.
          let checkpoint = -1;
          for (const event of run.events) {
            if (event.kind === 'ack') {
              checkpoint = position(event.sequence);
              continue;
            }
            const first = position(event.records[0]!);
            expect(first).toBe(checkpoint + 1);
            expect(event.records.map(position)).toEqual(event.records.map((_, offset) => first + offset));
          }
          // Dead letters hold disjoint runs of records, each invoked maxRetries + 1 times first.
          const given = run.deadLetters.flatMap((letter) => letter.records.map(seq));
          expect(new Set(given).size).toBe(given.length);
          for (const letter of run.deadLetters) expect(letter.attempts).toBe(maxRetries + 1);
        },
      ),
      { seed: propertySeed('deliverBatch under scripted answers'), numRuns: 300 },
    );
  });
});
