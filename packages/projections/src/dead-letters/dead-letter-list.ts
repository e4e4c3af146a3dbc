import { type DeadLetter, decodeDeadLetter } from '../codec/dead-letter-codec.js';
import type { ProjectionRef } from '../keys.js';
import { deadLettersQuery } from '../requests/read-requests.js';
import type { ReadModelTable } from '../table/read-model-table.js';

/** Which dead letters to list. */
export interface DeadLetterFilter {
  /** Default `'open'`. */
  readonly status?: 'open' | 'replayed' | 'all';
  /** Only this stream's (read strongly consistent). */
  readonly streamId?: string;
}

/**
 * A projection version's dead letters, by stream and then version. With `streamId`, a strongly
 * consistent `Query`; without, the `deadLetters` index (eventually consistent: a dead letter written
 * a moment ago may be missing).
 */
export async function listDeadLetters(
  table: ReadModelTable,
  ref: ProjectionRef,
  filter: DeadLetterFilter = {},
): Promise<DeadLetter[]> {
  const status = filter.status ?? 'open';
  const items = await table.query(deadLettersQuery(ref, filter.streamId));
  return items.map(decodeDeadLetter).filter((letter) => status === 'all' || letter.status === status);
}
