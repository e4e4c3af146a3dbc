import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventShape, Logger, Metrics } from '@dynamo-es/event-store';
import { ProjectionApplier } from '../apply/projection-applier.js';
import type { EventSource } from '../apply/types.js';
import { type DeadLetter, readDeadLetter, resolveDeadLetter } from '../codec/dead-letter-codec.js';
import { ReplayFailedError } from '../errors.js';
import type { ProjectionRef } from '../keys.js';
import { errorFields } from '../observability/batch-summary.js';
import { type ProjectionLogger, safely } from '../observability/logger.js';
import { observerFor } from '../observability/observer-options.js';
import type { ProjectionObserver } from '../observability/projection-observer.js';
import type { Projection } from '../projection.js';
import { ReadModelTable } from '../storage/read-model-table.js';
import { assertProjectionRef } from '../validation.js';
import { listDeadLetters } from './list-dead-letters.js';
import { replaySkippedEvent } from './replay-skipped-event.js';

/**
 * Options of {@link replayDeadLetters}.
 *
 * @example
 * const options: ReplayDeadLettersOptions = { projection: accounts, client, eventStore, streamId: 'account-7' };
 */
export interface ReplayDeadLettersOptions {
  /** The projection, with its fixed handlers. */
  readonly projection: Projection<EventShape, unknown>;
  readonly client: DynamoDBClient;
  readonly eventStore: EventSource;
  /** The read-model table (default `${eventStore.tableName}-read-models`). */
  readonly readModelTable?: string;
  /** Only this stream's dead letters (read strongly consistent). */
  readonly streamId?: string;
  /**
   * Where the summary (`info`, with the letters that failed again) and events dead-lettered again
   * (`error`) are reported. Default: `eventStore.logger`.
   */
  readonly logger?: Logger | ProjectionLogger;
  /** `DeadLettersReplayed` and `DeadLettered` (Count, dimension `projection`). Default: `eventStore.metrics`. */
  readonly metrics?: Metrics;
  readonly now?: () => Date;
}

/**
 * What a replay did.
 *
 * @example
 * const { replayed, failed } = await replayDeadLetters(options);
 */
export interface ReplayResult {
  readonly replayed: DeadLetter[];
  /** Dead letters whose event failed again (they stay open, the stream stays parked). */
  readonly failed: { readonly deadLetter: DeadLetter; readonly error: unknown }[];
}

/**
 * Applies dead-lettered events again, once the handler is fixed, exactly once each (the dead
 * letter's `open` status is a condition of the transaction that applies it):
 * - `park-stream`: unparks the stream and applies the event and everything after it, in order;
 * - `skip-event`: applies just the event, on top of the later events already applied.
 *
 * @example
 * const { replayed, failed } = await replayDeadLetters({ projection: accounts, client, eventStore });
 */
export async function replayDeadLetters(options: ReplayDeadLettersOptions): Promise<ReplayResult> {
  assertProjectionRef(options?.projection);
  const table = new ReadModelTable(
    options.client,
    options.readModelTable ?? `${options.eventStore.tableName}-read-models`,
  );
  const now = options.now ?? (() => new Date());
  const ref = { name: options.projection.name, version: options.projection.version };
  const letters = await listDeadLetters({
    client: options.client,
    tableName: table.tableName,
    projection: ref,
    ...(options.streamId === undefined ? {} : { streamId: options.streamId }),
  });
  const observer = observerFor(options, options.eventStore);
  const applier = new ProjectionApplier({
    projection: options.projection,
    table,
    events: options.eventStore,
    // A later event of an unparked stream that fails is dead-lettered at once: no redelivery of
    // old records would ever retry it.
    maxAttempts: 1,
    maxRounds: 5,
    gapReadConcurrency: 4,
    checkpointInterval: 100,
    now,
    observer,
  });
  const result: ReplayResult = { replayed: [], failed: [] };
  for (const letter of letters) {
    try {
      if (letter.policy === 'park-stream') await unpark(applier, table, letter, now);
      else await replaySkippedEvent({ applier, table, letter, now });
      result.replayed.push(letter);
    } catch (error) {
      result.failed.push({ deadLetter: letter, error });
    }
  }
  report(observer, ref, result);
  return result;
}

/**
 * One `info` line: the caller has the failures in the result (and a CLI prints them), so they are
 * not logged again one by one as warnings.
 */
function report(observer: ProjectionObserver, ref: ProjectionRef, result: ReplayResult): void {
  observer.record('DeadLettersReplayed', result.replayed.length, ref);
  const failures = result.failed.map(({ deadLetter, error }) => ({
    streamId: deadLetter.streamId,
    version: deadLetter.version,
    ...errorFields(error),
  }));
  safely(() =>
    observer.logger.info('dynamo-es: dead letters replayed', {
      projection: ref.name,
      projectionVersion: ref.version,
      replayed: result.replayed.length,
      failed: result.failed.length,
      ...(failures.length > 0 ? { failures } : {}),
    }),
  );
}

async function unpark(
  applier: ProjectionApplier,
  table: ReadModelTable,
  letter: DeadLetter,
  now: () => Date,
): Promise<void> {
  const action = resolveDeadLetter(table.tableName, applier.ref, letter, now().toISOString());
  const outcomes = await applier.apply([
    {
      streamId: letter.streamId,
      delivered: [],
      toHead: true,
      resume: { parkedAt: letter.version, action, size: 512 },
    },
  ]);
  const outcome = outcomes.get(letter.streamId);
  if (outcome?.kind === 'retry') throw outcome.reason;
  if ((await readDeadLetter(table, applier.ref, letter))?.status !== 'replayed') {
    throw new ReplayFailedError(
      { streamId: letter.streamId, version: letter.version },
      { cause: new Error('the stream is not parked at this event') },
    );
  }
}
