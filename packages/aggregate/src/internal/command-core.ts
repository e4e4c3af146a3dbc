import {
  type ConcurrencyError,
  type EventMetadata,
  type EventShape,
  type EventStore,
  type IdempotencyKey,
  isConcurrencyError,
  isIdempotencyKeyExistsError,
  withSpan,
} from '@dynamo-es/event-store';
import { AggregateNotFoundError, RetriesExhaustedError } from '../errors.js';
import type { CommandObserver } from './command-observer.js';
import type { LoadedStream, StreamKind } from './loaded-stream.js';
import { replayCommand } from './replay.js';
import { forgetCached, type SavedStream, type StreamDecision, saveStreams } from './save-streams.js';
import { catchUp, loadStream } from './stream-loader.js';

/** What every command shares: the store, where to report, and how long to wait between retries. */
export interface CommandContext {
  readonly store: EventStore;
  readonly observer: CommandObserver;
  readonly retryDelay: (retry: number) => number;
}

/** One command over one or more streams of one kind, as the adapters (classes, deciders) give it. */
export interface Command<S, E extends EventShape, T> {
  /** The OpenTelemetry span around the whole command. */
  readonly spanName: string;
  readonly streamIds: readonly string[];
  readonly kind: StreamKind<S, E>;
  /** Decides on the loaded streams: the events and new state of each, and the adapter's own value. */
  readonly decide: (streams: readonly LoadedStream<S>[]) => Promise<Decided<S, E, T>>;
  readonly retries: number;
  readonly mustExist: boolean;
  readonly metadata?: EventMetadata;
  readonly idempotency?: IdempotencyKey;
}

export interface Decided<S, E extends EventShape, T> {
  readonly decisions: readonly StreamDecision<S, E>[];
  readonly value: T;
}

/** What a command did: `value` is the adapter's, absent when the command was a replay. */
export interface CommandOutcome<S, E extends EventShape, T> {
  readonly streams: SavedStream<S, E>[];
  readonly attempts: number;
  readonly replayed: boolean;
  readonly value?: T;
}

/**
 * The one way commands run, for aggregate classes and deciders, over one stream or several:
 *
 * 1. With an idempotency key, its record is read first (one `GetItem`): a command already applied
 *    returns its original events without deciding anything.
 * 2. The streams are loaded (from the state cache, snapshots, or the start).
 * 3. The command decides; what it decided is stored in one write with each stream's expected
 *    version (see `saveStreams`).
 * 4. When another writer moved a stream first, only the streams that moved are caught up (their
 *    new events read) and the command decides again, at most `retries` times, with jittered
 *    backoff; a cached state found behind (optimistic mode) is caught up and retried at once.
 */
export function runCommand<S, E extends EventShape, T>(
  context: CommandContext,
  command: Command<S, E, T>,
): Promise<CommandOutcome<S, E, T>> {
  const [only, ...more] = command.streamIds;
  const attributes: Record<string, string> =
    more.length === 0 && only !== undefined
      ? { 'dynamo_es.stream_id': only }
      : { 'dynamo_es.stream_ids': command.streamIds.join(',') };
  return withSpan(command.spanName, attributes, () => run(context, command));
}

async function run<S, E extends EventShape, T>(
  context: CommandContext,
  command: Command<S, E, T>,
): Promise<CommandOutcome<S, E, T>> {
  const { store } = context;
  const { kind, idempotency } = command;
  if (idempotency) {
    const record = await store.idempotencyRecord(idempotency.key);
    if (record) return replayCommand(context, command, record, 0);
  }
  const optimistic = kind.cache?.optimistic === true;
  let streams = await Promise.all(command.streamIds.map((id) => loadStream(store, kind, id, { optimistic })));
  if (command.mustExist) {
    const missing = streams.find((stream) => stream.version === 0);
    if (missing) throw new AggregateNotFoundError(missing.streamId);
  }
  const retries = { used: 0 };
  for (let attempts = 1; ; attempts++) {
    const { decisions, value } = await command.decide(streams);
    if (decisions.every((decision) => decision.events.length === 0) && streams.some((s) => s.unverified)) {
      // Nothing to append would tell a stale cached state (optimistic mode): read what is new, and
      // decide again if anything was.
      const verified = await Promise.all(
        streams.map((stream) => (stream.unverified ? refresh(store, kind, stream) : stream)),
      );
      const moved = verified.some((stream, index) => stream.version !== streams[index]?.version);
      streams = verified;
      if (moved) continue;
    }
    try {
      const saved = await saveStreams(store, kind, streams, decisions, command);
      return { streams: saved, attempts, replayed: false, value };
    } catch (error) {
      forgetCached(kind, streams);
      if (idempotency && isIdempotencyKeyExistsError(error)) {
        return replayCommand(context, command, error.record, attempts);
      }
      streams = await afterConflict(context, command, { error, streams, attempts, retries });
    }
  }
}

/**
 * What follows a failed save: for a conflict on this command's streams, waits (unless the only
 * streams that moved were stale cached states: that is not a race) and catches up the streams that
 * moved; rethrows anything else.
 *
 * @throws RetriesExhaustedError once the retries are used up.
 */
async function afterConflict<S, E extends EventShape, T>(
  context: CommandContext,
  command: Command<S, E, T>,
  failed: { error: unknown; streams: LoadedStream<S>[]; attempts: number; retries: { used: number } },
): Promise<LoadedStream<S>[]> {
  const { error, streams, attempts, retries } = failed;
  const moved = movedStreams(error, command.streamIds);
  if (moved === undefined) throw error;
  const conflict = error as ConcurrencyError;
  const stale = streams.every((stream) => !moved.has(stream.streamId) || stream.unverified);
  if (stale) context.observer.staleCache(conflict);
  else if (++retries.used > command.retries) {
    context.observer.retriesExhausted(conflict, attempts);
    throw new RetriesExhaustedError({ streamId: conflict.streamId, attempts }, { cause: error });
  } else {
    const delay = context.retryDelay(retries.used);
    context.observer.conflictRetried(conflict, attempts, delay);
    await sleep(delay);
  }
  return Promise.all(
    streams.map((stream) =>
      moved.has(stream.streamId) || stream.unverified ? refresh(context.store, command.kind, stream) : stream,
    ),
  );
}

/** The streams of this command that a `ConcurrencyError` says moved; `undefined` for any other error. */
function movedStreams(error: unknown, streamIds: readonly string[]): Set<string> | undefined {
  if (!isConcurrencyError(error) || !streamIds.includes(error.streamId)) return undefined;
  const conflicts = error.conflicts ?? [error];
  return new Set(conflicts.map((conflict) => conflict.streamId).filter((id) => streamIds.includes(id)));
}

/** Catches a stream up (only its new events); loads it afresh when its state is not of its history. */
async function refresh<S, E extends EventShape>(
  store: EventStore,
  kind: StreamKind<S, E>,
  stream: LoadedStream<S>,
): Promise<LoadedStream<S>> {
  return (
    (await catchUp(store, kind, stream)) ?? loadStream(store, { ...kind, cache: undefined }, stream.streamId)
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
