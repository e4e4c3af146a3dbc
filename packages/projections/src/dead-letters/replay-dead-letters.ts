import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventShape } from '@dynamo-es/event-store';
import { ProjectionApplier } from '../apply/projection-applier.js';
import { consoleLogger, type EventSource, type ProjectionLogger } from '../apply/types.js';
import { ReplayFailedError } from '../errors.js';
import type { Projection } from '../projection.js';
import { ReadModelTable } from '../storage/read-model-table.js';
import { type DeadLetter, readDeadLetter, resolveDeadLetter } from './dead-letter.js';
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
  readonly logger?: ProjectionLogger;
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
    logger: options.logger ?? consoleLogger,
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
  return result;
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
