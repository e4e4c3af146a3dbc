import {
  type AttributeValue,
  type CancellationReason,
  type DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { decodeEventItem } from '../codec/event-item.js';
import { ConcurrencyError, type StreamConflict, TransientError } from '../errors.js';
import type { IdempotencyKey, IdempotencyTableOptions } from '../idempotency/types.js';
import type { KnownVersions } from '../known-versions.js';
import { buildAppendTransaction, buildPutEvent } from '../requests/append-requests.js';
import { backoffDelay, sleep } from '../support/backoff.js';
import { isConditionalCheckFailure } from '../support/conditional-check.js';
import type { AppendResult, StoredEvent, StreamAppend } from '../types.js';
import type { UpcasterChain } from '../upcasting.js';
import { classifyCancellation, classifyPutFailure, type WriteFailure } from './cancellation.js';
import { readHead } from './head.js';
import { KeyedWrite } from './keyed.js';
import { type LandedStream, locateLanded } from './locate.js';
import {
  assertFitsOneTransaction,
  type PlannedStream,
  type PreparedStream,
  placeStream,
  prepareStream,
} from './plan.js';

type Item = Record<string, AttributeValue>;

export interface AppenderConfig {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Where idempotency records go, when the store has a table for them. */
  readonly keys?: IdempotencyTableOptions;
  readonly known: KnownVersions;
  readonly upcasters: UpcasterChain;
  /** A new event id for an event appended at `time` (epoch milliseconds). */
  readonly newEventId: (time: number) => string;
  readonly now: () => Date;
  /** Attempts for transient cancellations and for `'any'` / `'exists'` appends that race. */
  readonly maxAttempts: number;
  readonly compressAbove: number | false;
  /** Told before each retry, with the error that caused it. */
  readonly onRetry?: (error: Error, attempt: number) => void;
}

type Attempt = { kind: 'done'; results: AppendResult[] } | { kind: 'retry'; error: Error };

/** How a stream stands before the write: where it goes, or its own events already stored. */
type Plan = { base: number; proof: boolean; seen: StoredEvent[] };

/** Writes prepared events with the fewest requests that still rule out lost writes, duplicates and gaps. */
export class Appender {
  readonly #config: AppenderConfig;

  constructor(config: AppenderConfig) {
    this.#config = config;
  }

  /**
   * Appends to every stream or none. A request with no events is a check that its stream is still
   * at its (exact) expected version; `idempotency` adds the key's record to the same write.
   */
  async append(requests: readonly StreamAppend[], idempotency?: IdempotencyKey): Promise<AppendResult[]> {
    const context = {
      recordedAt: this.#config.now(),
      newEventId: this.#config.newEventId,
      compressAbove: this.#config.compressAbove,
      schemaVersionOf: (type: string) => this.#config.upcasters.currentVersion(type),
    };
    const prepared = requests.map((request) => prepareStream(request, context));
    const keys = this.#config.keys;
    const keyed = idempotency && keys ? new KeyedWrite(keys, idempotency, context.recordedAt) : undefined;
    const proofs = prepared.filter((stream) => this.#needsProof(stream)).length;
    const checks = prepared.filter((stream) => stream.events.length === 0).length;
    assertFitsOneTransaction(prepared, {
      items: proofs + checks + (keyed ? 1 : 0),
      bytes: keyed?.sizeBound(prepared) ?? 0,
    });
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(prepared, keyed);
      if (outcome.kind === 'done') return outcome.results;
      if (attempt >= this.#config.maxAttempts) throw outcome.error;
      this.#config.onRetry?.(outcome.error, attempt);
      await sleep(backoffDelay(attempt, { baseMs: 10, capMs: 1_000, jitter: [0.5, 1.5] }));
    }
  }

  /** The stream's current version (0 when it has no events), read consistently: only its header is decoded. */
  async headVersion(streamId: string): Promise<number> {
    const [top] = await readHead(this.#config, streamId, 1);
    return top?.header.version ?? 0;
  }

  async #attempt(prepared: readonly PreparedStream[], keyed: KeyedWrite | undefined): Promise<Attempt> {
    const plans = await Promise.all(prepared.map((stream) => this.#plan(stream)));
    // One of its own events on top of a stream: this append landed before (all streams or none).
    if (plans.some((plan) => plan.seen.length > 0)) {
      return this.#landed(prepared.map((stream, index) => landedStream(stream, plans[index] as Plan)));
    }
    const streams = prepared.map((stream, index) => {
      const plan = plans[index] as Plan;
      return placeStream(stream, plan.base, plan.proof);
    });
    // A keyed decision of no events: the record alone. It is true at the versions it was decided
    // on whatever came after, so no stream is checked.
    if (keyed && streams.every((stream) => stream.events.length === 0)) {
      const fresh = await keyed.putAlone(this.#config.client, streams);
      return this.#written(streams, !fresh);
    }
    const single = streams.length === 1 ? streams[0] : undefined;
    if (!keyed && single && single.encoded.length === 1 && single.proveVersion === undefined)
      return this.#put(single);
    return this.#transact(streams, keyed);
  }

  /**
   * An exact expected version v > 0 needs proof that version v exists, unless this process has
   * seen it: otherwise appending v+1 could leave a gap (see KnownVersions).
   */
  #needsProof(stream: PreparedStream): boolean {
    const expected = stream.expectedVersion;
    return typeof expected === 'number' && expected > 0 && !this.#config.known.has(stream.streamId, expected);
  }

  async #plan(stream: PreparedStream): Promise<Plan> {
    const { streamId, expectedVersion } = stream;
    if (typeof expectedVersion === 'number' || expectedVersion === 'no-stream') {
      const base = expectedVersion === 'no-stream' ? 0 : expectedVersion;
      return { base, proof: this.#needsProof(stream), seen: [] };
    }
    // 'any' / 'exists': read the head. Reading the last k events instead of 1 costs the same
    // request and recognises a retry of this very append while its events are still on top.
    const head = await readHead(this.#config, streamId, stream.events.length);
    const base = head[0]?.header.version ?? 0;
    if (expectedVersion === 'exists' && base === 0) {
      throw new ConcurrencyError({ streamId, expectedVersion, actualVersion: 0 });
    }
    const seen = head.filter(({ header }) => stream.ids.has(header.eventId));
    return { base, proof: false, seen: seen.map(({ item }) => this.#decode(item)) };
  }

  async #put(stream: PlannedStream): Promise<Attempt> {
    const encoded = stream.encoded[0] as PlannedStream['encoded'][number];
    try {
      await this.#config.client.send(new PutItemCommand(buildPutEvent(this.#config.tableName, encoded.item)));
      return this.#written([stream]);
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      const failure = classifyPutFailure(stream, 0, (error as { Item?: Item }).Item);
      return this.#failed([stream], failure, error);
    }
  }

  async #transact(streams: PlannedStream[], keyed: KeyedWrite | undefined): Promise<Attempt> {
    const writes = streams.map((stream) => ({
      streamId: stream.streamId,
      items: stream.encoded.map((event) => event.item),
      ...(stream.proveVersion === undefined ? {} : { proveVersion: stream.proveVersion }),
      ...(stream.events.length === 0 ? { absentVersion: stream.base + 1 } : {}),
    }));
    const key = keyed ? { put: keyed.put(streams) } : undefined;
    const { input, actions } = buildAppendTransaction(this.#config.tableName, writes, key);
    try {
      await this.#config.client.send(new TransactWriteItemsCommand(input));
      return this.#written(streams);
    } catch (error) {
      if (errorName(error) !== 'TransactionCanceledException') throw error;
      const reasons = (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
      const failure = classifyCancellation(streams, actions, reasons);
      if (failure === undefined) throw error;
      return this.#failed(streams, failure, error, keyed);
    }
  }

  async #failed(
    streams: PlannedStream[],
    failure: WriteFailure,
    cause: unknown,
    keyed?: KeyedWrite,
  ): Promise<Attempt> {
    const landed = () =>
      this.#landed(
        streams.map((stream, index) => ({
          stream,
          ...(isExact(stream) ? { base: stream.base } : {}),
          seen: (failure.ours.get(index) ?? []).map((item) => this.#decode(item)),
        })),
      );
    if (failure.ours.size > 0) return landed();
    if (failure.key && keyed) {
      // The key is taken. By this very call (an attempt whose answer was lost): it landed, events
      // and all. By another: that command was applied already, or the key is reused (the caller
      // tells which from the record). Either way, this append must not be retried.
      keyed.assertOwn(failure.key.item);
      return landed();
    }
    if (failure.transient || (failure.taken.size === 0 && failure.missing.size === 0)) {
      const message = failure.transient
        ? 'DynamoDB kept cancelling the append (concurrent transactions or throttling); retry later'
        : 'DynamoDB kept cancelling the append for no visible reason; retry later';
      return { kind: 'retry', error: new TransientError(message, { cause }) };
    }
    let retry: ConcurrencyError | undefined;
    const conflicts: StreamConflict[] = [];
    for (const [index, stream] of streams.entries()) {
      const taken = failure.taken.get(index);
      if (taken === undefined && !failure.missing.has(index)) continue;
      // The gap proof failed: the stream is behind the expected version. Only then is its head read.
      const actualVersion = taken ?? (await this.headVersion(stream.streamId));
      if (taken !== undefined) this.#config.known.record(stream.streamId, taken);
      const conflict = { streamId: stream.streamId, expectedVersion: stream.expectedVersion, actualVersion };
      // 'any' and 'exists' promise to append after whatever is there: re-read the head and retry.
      if (isExact(stream)) conflicts.push(conflict);
      else retry ??= new ConcurrencyError(conflict, { cause });
    }
    const [first, ...others] = conflicts;
    if (first) throw new ConcurrencyError({ ...first, others }, { cause });
    return { kind: 'retry', error: retry as ConcurrencyError };
  }

  async #landed(landed: LandedStream[]): Promise<Attempt> {
    const located = await locateLanded(
      {
        client: this.#config.client,
        tableName: this.#config.tableName,
        decode: (item) => this.#decode(item),
      },
      landed,
    );
    const results = located.map((events, index) => {
      const last = events[events.length - 1];
      // A stream that was only checked has no events; its version is exact.
      if (last === undefined) return { version: landed[index]?.base ?? 0, events, duplicate: true };
      this.#config.known.record(last.streamId, last.version);
      return { version: last.version, events, duplicate: true };
    });
    return { kind: 'done', results };
  }

  #written(streams: PlannedStream[], duplicate = false): Attempt {
    const results = streams.map((stream) => {
      const version = stream.base + stream.events.length;
      this.#config.known.record(stream.streamId, version);
      return { version, events: stream.events, duplicate };
    });
    return { kind: 'done', results };
  }

  #decode(item: Item): StoredEvent {
    return this.#config.upcasters.upcast(decodeEventItem(item));
  }
}

const isExact = (stream: PreparedStream): boolean =>
  typeof stream.expectedVersion === 'number' || stream.expectedVersion === 'no-stream';

function landedStream(stream: PreparedStream, plan: Plan): LandedStream {
  return { stream, ...(isExact(stream) ? { base: plan.base } : {}), seen: plan.seen };
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { name?: string }).name : undefined;
}
