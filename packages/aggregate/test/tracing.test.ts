import { AggregateRepository, DeciderCommandHandler } from '@dynamo-es/aggregate';
import { EventStore } from '@dynamo-es/event-store';
import { SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { AccountNotOpenError, BankAccount, bankAccount } from './fixtures/bank-account.js';
import { createTables } from './support/tables.js';

interface RecordedSpan {
  readonly name: string;
  readonly attributes: Record<string, unknown>;
  readonly exceptions: unknown[];
  status?: { code: number; message?: string };
  /** Order of the span's start and end among all starts and ends: shows nesting. */
  readonly started: number;
  ended?: number;
}

/** A tracer provider that records spans: enough of OpenTelemetry to see what dynamo-es opens. */
const spans: RecordedSpan[] = [];
let tick = 0;
const tracer = {
  startActiveSpan(name: string, fn: (span: unknown) => unknown) {
    const record: RecordedSpan = { name, attributes: {}, exceptions: [], started: tick++ };
    spans.push(record);
    const span = {
      setAttribute: (key: string, value: unknown) => {
        record.attributes[key] = value;
        return span;
      },
      recordException: (error: unknown) => record.exceptions.push(error),
      setStatus: (status: { code: number; message?: string }) => {
        record.status = status;
        return span;
      },
      end: () => {
        record.ended = tick++;
      },
    };
    return fn(span);
  },
} as unknown as Tracer;

let store: EventStore;

beforeAll(async () => {
  trace.setGlobalTracerProvider({ getTracer: () => tracer });
  const { events } = await createTables();
  store = new EventStore({ client: testClient(), tableName: events });
});

beforeEach(() => {
  spans.length = 0;
});

const named = (name: string) => spans.filter((span) => span.name === name);

describe('OpenTelemetry spans', () => {
  it('wrap each repository update, with the stream id, around its appends', async () => {
    const accounts = new AggregateRepository({ store, factory: (id) => new BankAccount(id) });
    const id = uniqueId('account');
    await accounts.update(id, (account) => account.open('Ada'));
    const [update] = named('dynamo-es.update');
    const [append] = named('dynamo-es.append');
    expect(update?.attributes).toEqual({ 'dynamo_es.stream_id': id });
    expect(update?.status).toBeUndefined();
    // The append's span starts and ends inside the update's.
    expect(
      append && update && append.started > update.started && (append.ended ?? 0) < (update.ended ?? 0),
    ).toBe(true);
  });

  it('wrap each decider command in a dynamo-es.handle span, and record what the command threw', async () => {
    const accounts = new DeciderCommandHandler({ store, decider: bankAccount });
    const id = uniqueId('account');
    await accounts.handle(id, { type: 'OpenAccount', owner: 'Ada' });
    await expect(accounts.handle(uniqueId('account'), { type: 'Deposit', amount: 1 })).rejects.toThrow(
      AccountNotOpenError,
    );
    expect(spans.filter((span) => span.name !== 'dynamo-es.append').map((span) => span.name)).toEqual([
      'dynamo-es.handle',
      'dynamo-es.handle',
    ]);
    const [, failed] = named('dynamo-es.handle');
    expect(failed?.status?.code).toBe(SpanStatusCode.ERROR);
    expect(failed?.exceptions[0]).toBeInstanceOf(AccountNotOpenError);
    expect(named('dynamo-es.update')).toEqual([]);
  });
});
