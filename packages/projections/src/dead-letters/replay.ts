import { backoffDelay, type StoredEvent, sleep } from '@dynamo-es/event-store';
import { type DeadLetter, decodeDeadLetter, resolveDeadLetter } from '../codec/dead-letter-codec.js';
import { applyEvent } from '../engine/apply-event.js';
import { isStub } from '../engine/delivered-event.js';
import { EventReader } from '../engine/event-reader.js';
import { ONCE_RULES } from '../engine/rules.js';
import { ApplyConflictError, MissingEventsError, ReplayFailedError, TooManyChangesError } from '../errors.js';
import type { EventSource } from '../event-source.js';
import { deadLetterKey } from '../keys.js';
import { errorFields } from '../observability/batch-summary.js';
import { safely } from '../observability/logger.js';
import type { ProjectionObserver } from '../observability/projection-observer.js';
import type { Projection } from '../projection.js';
import type { ReadModelTable } from '../table/read-model-table.js';
import { applyJobs } from '../transactional/applier.js';
import { type ApplierConfig, applierConfig } from '../transactional/apply-round.js';
import { TransactionalState } from '../transactional/transactional-state.js';
import { listDeadLetters } from './dead-letter-list.js';

/**
 * What a replay did.
 *
 * @example
 * const { replayed, failed } = await readModels.deadLetters.replay(accounts);
 */
export interface ReplayResult {
  readonly replayed: DeadLetter[];
  /** Dead letters whose event failed again (they stay open, the stream stays parked). */
  readonly failed: { readonly deadLetter: DeadLetter; readonly error: unknown }[];
}

const MAX_ROUNDS = 5;

/**
 * Applies a projection's open dead letters again, once its handler is fixed, exactly once each
 * (the dead letter's `open` status is a condition of the write that applies it):
 * - `park-stream`: unparks the stream and applies the event and everything after it, in order;
 * - `skip-event`: applies just the event, on top of the later events already applied.
 */
export async function replayDeadLetters(input: {
  readonly projection: Projection;
  readonly table: ReadModelTable;
  readonly eventStore: EventSource;
  readonly observer: ProjectionObserver;
  readonly now: () => Date;
  readonly streamId?: string;
}): Promise<ReplayResult> {
  const { projection, table, observer, now } = input;
  const letters = await listDeadLetters(
    table,
    projection,
    input.streamId === undefined ? {} : { streamId: input.streamId },
  );
  // A later event of an unparked stream that fails is dead-lettered at once: no redelivery of old
  // records would ever retry it.
  const config = applierConfig(
    { projection, table, now, observer },
    { rules: ONCE_RULES, maxRounds: MAX_ROUNDS },
  );
  const result: ReplayResult = { replayed: [], failed: [] };
  for (const letter of letters) {
    try {
      const reader = new EventReader(input.eventStore, projection.handles);
      if (letter.policy === 'park-stream') await unpark(config, reader, letter);
      else await replaySkipped(config, reader, letter);
      result.replayed.push(letter);
    } catch (error) {
      result.failed.push({ deadLetter: letter, error });
    }
  }
  report(observer, projection, result);
  return result;
}

/** Unparks the stream: the resolution of its dead letter is written with the unparking. */
async function unpark(config: ApplierConfig, reader: EventReader, letter: DeadLetter): Promise<void> {
  const { table, projection, now } = config;
  const resolution = resolveDeadLetter(table.tableName, projection, letter, now().toISOString());
  const { outcomes } = await applyJobs(
    config,
    [{ streamId: letter.streamId, delivered: [], toHead: true, resume: letter.version, resolution }],
    reader.read,
  );
  const outcome = outcomes.get(letter.streamId);
  if (outcome?.kind === 'retry') throw outcome.reason;
  if ((await readDeadLetter(table, config, letter))?.status !== 'replayed') {
    throw new ReplayFailedError(
      { streamId: letter.streamId, version: letter.version },
      { cause: new Error('the stream is not parked at this event') },
    );
  }
}

/**
 * Applies one skipped event (`skip-event`) without moving the checkpoint, in one write with the
 * dead letter's resolution: if another replay resolved it first, the condition fails and nothing
 * is applied twice.
 */
async function replaySkipped(config: ApplierConfig, reader: EventReader, letter: DeadLetter): Promise<void> {
  const { table, projection, now } = config;
  const { streamId, version } = letter;
  const [event] = await reader.read(streamId, version, version);
  if (!event) throw new MissingEventsError({ streamId, fromVersion: version, toVersion: version });
  if (isStub(event)) throw new ReplayFailedError({ streamId, version }, { cause: event.error });
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (round > 0) await sleep(backoffDelay(round, { baseMs: 20, capMs: 2_000 }));
    const state = new TransactionalState(table, projection);
    await state.load([streamId], projection.prefetchKeys(event));
    const changes = await changesOf(state, projection, event);
    const step = {
      streamId,
      changes,
      // As read: the write is conditioned on it, so a live batch of the stream in between retries this.
      checkpoint: state.checkpoint(streamId),
      deadLetters: [],
      outcome: { kind: 'done' as const },
      applied: 1,
      unparked: false,
    };
    const resolution = resolveDeadLetter(table.tableName, projection, letter, now().toISOString());
    state.merge(step, [resolution], []);
    const { conflicted, failed } = await state.commit(now().toISOString());
    if (failed) throw failed.error;
    if (conflicted.length === 0) return;
    // The condition that failed may be the dead letter's: another replay already applied it.
    if ((await readDeadLetter(table, config, letter))?.status !== 'open') return;
  }
  throw new ApplyConflictError(projection.name);
}

async function changesOf(state: TransactionalState, projection: Projection, event: StoredEvent) {
  const view = state.view();
  const result = await applyEvent(projection, event, view.read);
  const { streamId, version } = event;
  if (result.kind === 'unavailable') throw result.error;
  if (result.kind === 'failed') throw new ReplayFailedError({ streamId, version }, { cause: result.error });
  const budget = view.budget(streamId, result.changes, 1);
  if (!budget.fits) {
    const cause = new TooManyChangesError({
      streamId,
      version,
      items: budget.items,
      sizeBytes: budget.bytes,
    });
    throw new ReplayFailedError({ streamId, version }, { cause });
  }
  return result.changes;
}

async function readDeadLetter(table: ReadModelTable, config: ApplierConfig, letter: DeadLetter) {
  const item = await table.get(deadLetterKey(config.projection, letter.streamId, letter.version));
  return item ? decodeDeadLetter(item) : undefined;
}

/**
 * One `info` line: the caller has the failures in the result (and a CLI prints them), so they are
 * not logged again one by one as warnings.
 */
function report(observer: ProjectionObserver, projection: Projection, result: ReplayResult): void {
  observer.record('DeadLettersReplayed', result.replayed.length, projection);
  const failures = result.failed.map(({ deadLetter, error }) => ({
    streamId: deadLetter.streamId,
    version: deadLetter.version,
    ...errorFields(error),
  }));
  safely(() =>
    observer.logger.info('dynamo-es: dead letters replayed', {
      projection: projection.name,
      projectionVersion: projection.version,
      replayed: result.replayed.length,
      failed: result.failed.length,
      ...(failures.length > 0 ? { failures } : {}),
    }),
  );
}
