import type { StoredEvent } from '@dynamo-es/event-store';
import type { ProjectionApplier } from '../apply/projection-applier.js';
import { UnitOfWork } from '../apply/unit-of-work.js';
import { type DeadLetter, readDeadLetter, resolveDeadLetter } from '../codec/dead-letter-codec.js';
import { ApplyConflictError, MissingEventsError, ReplayFailedError } from '../errors.js';
import { backoffDelay, sleep } from '../storage/backoff.js';
import type { ReadModelTable } from '../storage/read-model-table.js';

const MAX_ROUNDS = 5;

/**
 * Applies one skipped event (policy `skip-event`) without touching the checkpoint, in one
 * transaction with the dead letter's resolution: if another replay resolved it first, the
 * condition fails and nothing is applied twice.
 */
export async function replaySkippedEvent(input: {
  applier: ProjectionApplier;
  table: ReadModelTable;
  letter: DeadLetter;
  now: () => Date;
}): Promise<void> {
  const { applier, table, letter, now } = input;
  const { projection, events } = applier.config;
  const { streamId, version } = letter;
  let event: StoredEvent | undefined;
  for await (const read of events.read(streamId, { fromVersion: version, toVersion: version })) event = read;
  if (!event) throw new MissingEventsError({ streamId, fromVersion: version, toVersion: version });
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (round > 0) await sleep(backoffDelay(round));
    const uow = new UnitOfWork(applier.ref, table);
    await uow.load([], projection.prefetchKeys(event));
    const layer = await uow.runEvent((ctx) => projection.apply(event, ctx));
    if (layer.readError !== undefined) throw layer.readError;
    if (layer.handlerError)
      throw new ReplayFailedError({ streamId, version }, { cause: layer.handlerError.error });
    uow.merge(layer);
    uow.addAction(resolveDeadLetter(table.tableName, applier.ref, letter, now().toISOString()), 512);
    if (await uow.commit(now().toISOString())) return;
    // The condition that failed may be the dead letter's: another replay already applied it.
    if ((await readDeadLetter(table, applier.ref, letter))?.status !== 'open') return;
  }
  throw new ApplyConflictError(applier.ref.name);
}
