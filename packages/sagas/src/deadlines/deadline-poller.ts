import { type Logger, mapLimit } from '@dynamo-es/event-store';
import type { SagaStreams } from '../saga-streams.js';
import type { DeadlineIndex } from './deadline-index.js';
import type { IndexedDeadline } from './deadline-requests.js';

/** What one {@link pollDeadlines} did. */
export interface PollResult {
  /** Index items found due. */
  due: number;
  /** Deadlines fired into their saga (a `SagaDeadlineFired` step appended). */
  fired: number;
  /** Items whose deadline was no longer pending (fired before, cancelled, moved, saga ended): deleted. */
  stale: number;
  /** Items that failed (left in the index: the next poll tries them again). */
  failed: number;
}

/**
 * Fires the due deadlines of every shard, exactly once each: the step is appended to the saga
 * stream only while its fold says the deadline (id and time) is pending, at the version that fold
 * was read at, so firing twice (two pollers, a crash between the append and the delete, a stale
 * read of the index) finds it not pending and only deletes the item.
 */
export async function pollDeadlines(input: {
  readonly index: DeadlineIndex;
  readonly streams: SagaStreams<unknown>;
  readonly now: Date;
  readonly maxPerShard: number;
  readonly logger: Logger;
}): Promise<PollResult> {
  const { index, streams, now, maxPerShard, logger } = input;
  const result: PollResult = { due: 0, fired: 0, stale: 0, failed: 0 };
  const shards = Array.from({ length: index.shards }, (_, shard) => shard);
  await mapLimit(shards, 4, async (shard) => {
    let due: IndexedDeadline[];
    try {
      due = await index.due(shard, now, maxPerShard);
    } catch (error) {
      result.failed++;
      warn(logger, 'dynamo-es: saga deadline shard could not be read', { shard, error: String(error) });
      return;
    }
    result.due += due.length;
    await mapLimit(due, 8, async (deadline) => {
      try {
        const { appended } = await streams.advance(deadline.sagaId, {
          kind: 'deadline',
          id: deadline.deadlineId,
          at: deadline.at,
        });
        await index.delete(deadline);
        if (appended) result.fired++;
        else result.stale++;
      } catch (error) {
        result.failed++;
        warn(logger, 'dynamo-es: saga deadline not fired (tried again next poll)', {
          saga: streams.saga.name,
          ...deadline,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
      }
    });
  });
  return result;
}

function warn(logger: Logger, message: string, fields: Record<string, unknown>) {
  try {
    logger.warn(message, fields);
  } catch {
    // A logger that throws never fails a poll.
  }
}
