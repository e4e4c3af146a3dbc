import {
  type AttributeValue,
  type CancellationReason,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { decodeEventItem } from '../codec/event-item.js';
import { ConcurrencyError, TransientError } from '../errors.js';
import type { KnownVersions } from '../known-versions.js';
import { buildAppendTransaction, buildPutEvent } from '../requests/append-requests.js';
import { buildHeadQuery } from '../requests/query-events.js';
import type { AppendResult, StoredEvent, StreamAppend } from '../types.js';
import type { UpcasterChain } from '../upcasting.js';
import {
  assertFitsOneTransaction,
  type PlannedStream,
  type PreparedStream,
  placeStream,
  prepareStream,
} from './plan.js';

export interface AppenderConfig {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly known: KnownVersions;
  readonly upcasters: UpcasterChain;
  readonly newEventId: () => string;
  readonly now: () => Date;
  /** Attempts for transient cancellations and for `'any'` / `'exists'` appends that race. */
  readonly maxAttempts: number;
  /** Told before each retry, with the error that caused it. */
  readonly onRetry?: (error: Error, attempt: number) => void;
}

type Attempt = { kind: 'done'; results: AppendResult[] } | { kind: 'retry'; error: Error };
type Planned = PlannedStream | { duplicate: AppendResult };

// Cancellation codes that mean "nothing was written, try again": concurrent transactions on the
// same items, or throttling. DynamoDB Local never produces them; real DynamoDB does.
const TRANSIENT_CODES = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

/** Writes planned events with the fewest requests that still rule out lost writes and gaps. */
export class Appender {
  readonly #config: AppenderConfig;

  constructor(config: AppenderConfig) {
    this.#config = config;
  }

  async append(requests: readonly StreamAppend[]): Promise<AppendResult[]> {
    const recordedAt = this.#config.now().toISOString();
    const context = {
      recordedAt,
      newEventId: this.#config.newEventId,
      schemaVersionOf: (type: string) => this.#config.upcasters.currentVersion(type),
    };
    const prepared = requests.map((request) => prepareStream(request, context));
    assertFitsOneTransaction(prepared, prepared.filter((stream) => this.#needsProof(stream)).length);
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(prepared);
      if (outcome.kind === 'done') return outcome.results;
      if (attempt >= this.#config.maxAttempts) throw outcome.error;
      this.#config.onRetry?.(outcome.error, attempt);
      await sleep(Math.min(1000, 10 * 2 ** attempt) * (0.5 + Math.random()));
    }
  }

  /** The stream's current version (0 when it has no events), read consistently. */
  async headVersion(streamId: string): Promise<number> {
    const items = await this.#head(streamId, 1);
    return items[0] === undefined ? 0 : decodeEventItem(items[0]).version;
  }

  async #attempt(prepared: readonly PreparedStream[]): Promise<Attempt> {
    const planned = await Promise.all(prepared.map((stream) => this.#plan(stream)));
    if (planned.every((entry) => 'duplicate' in entry)) {
      return {
        kind: 'done',
        results: planned.map((entry) => (entry as { duplicate: AppendResult }).duplicate),
      };
    }
    const streams = planned.map((entry, index) =>
      'duplicate' in entry ? placeStream(prepared[index]!, entry.duplicate.version, false) : entry,
    );
    const single = streams.length === 1 ? streams[0] : undefined;
    if (single && single.encoded.length === 1 && single.proveVersion === undefined) return this.#put(single);
    return this.#transact(streams);
  }

  /**
   * An exact expected version v > 0 needs proof that version v exists, unless this process has
   * seen it: otherwise appending v+1 could leave a gap (see KnownVersions).
   */
  #needsProof(stream: PreparedStream): boolean {
    const expected = stream.expectedVersion;
    return typeof expected === 'number' && expected > 0 && !this.#config.known.has(stream.streamId, expected);
  }

  async #plan(stream: PreparedStream): Promise<Planned> {
    const { streamId, expectedVersion } = stream;
    if (typeof expectedVersion === 'number' || expectedVersion === 'no-stream') {
      const base = expectedVersion === 'no-stream' ? 0 : expectedVersion;
      return placeStream(stream, base, this.#needsProof(stream));
    }
    // 'any' / 'exists': read the head. Reading the last k events instead of 1 costs the same
    // request and recognises a retry of this very append (same event ids already on top).
    const head = await this.#head(streamId, stream.events.length);
    const base = head[0] === undefined ? 0 : decodeEventItem(head[0]).version;
    if (expectedVersion === 'exists' && base === 0) {
      throw new ConcurrencyError({ streamId, expectedVersion, actualVersion: 0 });
    }
    const duplicate = this.#matchDuplicate(stream, [...head].reverse());
    if (duplicate) return { duplicate };
    return placeStream(stream, base, false);
  }

  #matchDuplicate(
    stream: PreparedStream,
    stored: Record<string, AttributeValue>[],
  ): AppendResult | undefined {
    const ids = stream.events.map((event) => event.eventId);
    if (stored.length !== ids.length) return undefined;
    const events = stored.map((item) => this.#decode(item));
    if (!events.every((event, index) => event.eventId === ids[index])) return undefined;
    return this.#resultOf(events);
  }

  async #put(stream: PlannedStream): Promise<Attempt> {
    const encoded = stream.encoded[0]!;
    try {
      await this.#config.client.send(new PutItemCommand(buildPutEvent(this.#config.tableName, encoded.item)));
      return this.#written([stream]);
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
      const old = (error as { Item?: Record<string, AttributeValue> }).Item;
      if (old?.eventId?.S !== undefined && old.eventId.S === stream.events[0]?.eventId) {
        return { kind: 'done', results: [this.#resultOf([this.#decode(old)])] };
      }
      return this.#conflict(stream, error);
    }
  }

  async #transact(streams: PlannedStream[]): Promise<Attempt> {
    const writes = streams.map((stream) => ({
      streamId: stream.streamId,
      items: stream.encoded.map((event) => event.item),
      ...(stream.proveVersion === undefined ? {} : { proveVersion: stream.proveVersion }),
    }));
    const { input, actions } = buildAppendTransaction(this.#config.tableName, writes);
    try {
      await this.#config.client.send(new TransactWriteItemsCommand(input));
      return this.#written(streams);
    } catch (error) {
      if (errorName(error) !== 'TransactionCanceledException') throw error;
      const reasons = (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
      return this.#resolveCancellation(streams, actions, reasons, error);
    }
  }

  async #resolveCancellation(
    streams: PlannedStream[],
    actions: ReturnType<typeof buildAppendTransaction>['actions'],
    reasons: CancellationReason[],
    error: unknown,
  ): Promise<Attempt> {
    const failed = reasons.some((reason) => reason.Code === 'ConditionalCheckFailed');
    if (!failed) {
      const transient = reasons.some((reason) => TRANSIENT_CODES.has(reason.Code ?? ''));
      if (transient) {
        return {
          kind: 'retry',
          error: new TransientError('DynamoDB kept cancelling the append; retry later', { cause: error }),
        };
      }
      throw error;
    }
    // Classify each stream: every put found its own event already stored (a retry that had
    // landed), or something else holds a version / the proof failed (a real conflict).
    const duplicates = streams.map(() => true);
    for (const [index, action] of actions.entries()) {
      const reason = reasons[index];
      const stream = streams[action.streamIndex]!;
      if (action.kind === 'proof') {
        if (reason?.Code === 'ConditionalCheckFailed') return this.#conflict(stream, error);
        continue;
      }
      const ours = stream.events[action.eventIndex]!.eventId;
      const heldBy = reason?.Item?.eventId?.S;
      if (reason?.Code === 'ConditionalCheckFailed' && heldBy !== undefined && heldBy !== ours) {
        return this.#conflict(stream, error);
      }
      if (reason?.Code !== 'ConditionalCheckFailed' || heldBy !== ours)
        duplicates[action.streamIndex] = false;
    }
    if (duplicates.every(Boolean)) {
      const results = streams.map((stream) =>
        this.#resultOf(
          actions
            .map((action, index) => ({ action, item: reasons[index]?.Item }))
            .filter(({ action }) => action.kind === 'put' && streams[action.streamIndex] === stream)
            .map(({ item }) => this.#decode(item!)),
        ),
      );
      return { kind: 'done', results };
    }
    // The reasons did not tell us enough (e.g. no item returned): find the conflicting stream.
    for (const stream of streams) {
      const head = await this.headVersion(stream.streamId);
      if (head !== stream.base) return this.#conflict(stream, error, head);
    }
    return {
      kind: 'retry',
      error: new TransientError('the append was cancelled for no visible reason', { cause: error }),
    };
  }

  async #conflict(stream: PlannedStream, cause: unknown, knownHead?: number): Promise<Attempt> {
    const actualVersion = knownHead ?? (await this.headVersion(stream.streamId));
    this.#config.known.record(stream.streamId, actualVersion);
    const error = new ConcurrencyError(
      { streamId: stream.streamId, expectedVersion: stream.expectedVersion, actualVersion },
      { cause },
    );
    // 'any' and 'exists' promise to append after whatever is there: re-read the head and retry.
    if (stream.expectedVersion === 'any' || (stream.expectedVersion === 'exists' && actualVersion > 0)) {
      return { kind: 'retry', error };
    }
    throw error;
  }

  #written(streams: PlannedStream[]): Attempt {
    const results = streams.map((stream) => {
      const version = stream.base + stream.events.length;
      this.#config.known.record(stream.streamId, version);
      return { version, events: stream.events };
    });
    return { kind: 'done', results };
  }

  #resultOf(events: StoredEvent[]): AppendResult {
    const last = events[events.length - 1]!;
    this.#config.known.record(last.streamId, last.version);
    return { version: last.version, events };
  }

  #decode(item: Record<string, AttributeValue>): StoredEvent {
    return this.#config.upcasters.upcast(decodeEventItem(item));
  }

  async #head(streamId: string, count: number): Promise<Record<string, AttributeValue>[]> {
    const output = await this.#config.client.send(
      new QueryCommand(buildHeadQuery(this.#config.tableName, streamId, count)),
    );
    const items = output.Items ?? [];
    const top = items[0];
    if (top) this.#config.known.record(streamId, Number(top.version?.N));
    return items;
  }
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { name?: string }).name : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
