import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { isConditionalCheckFailure, mapLimit } from '@dynamo-es/event-store';
import { restoreJournal } from '../bulk/journal.js';
import { ProjectionVersionExistsError } from '../errors.js';
import { type ProjectionRef, rebuildSegmentPrefix } from '../keys.js';
import {
  claimSegmentRequest,
  registryQuery,
  type SegmentPosition,
  segmentProgressRequest,
} from '../requests/registry-requests.js';
import type { ReadModelTable } from '../table/read-model-table.js';

export type { SegmentPosition };

/** A segment of a rebuild as recorded: where its scan is, and which run has it. */
export interface SegmentRecord extends SegmentPosition {
  readonly owner?: string;
  /** The last flush of the owner that saved this position. */
  readonly generation: number;
}

/** The recorded segments of a version's rebuild (one `Query` of the projection's registry partition). */
export async function listSegments(
  table: ReadModelTable,
  ref: ProjectionRef,
): Promise<Map<number, SegmentRecord>> {
  const prefix = rebuildSegmentPrefix(ref);
  const items = (await table.query(registryQuery(ref.name))).filter((item) => item.sk?.S?.startsWith(prefix));
  return new Map(
    items.map((item) => {
      const segment = Number(item.segment?.N ?? (item.sk?.S ?? '').slice(prefix.length));
      const record: SegmentRecord = {
        segment,
        done: item.done?.BOOL === true,
        events: Number(item.events?.N ?? 0),
        generation: Number(item.generation?.N ?? 0),
        ...(item.startKey?.M ? { startKey: item.startKey.M as Record<string, AttributeValue> } : {}),
        ...(item.owner?.S ? { owner: item.owner.S } : {}),
      };
      return [segment, record];
    }),
  );
}

/**
 * Claims segments for a run. A segment another run has is refused unless `resume` (the operator
 * says that run is gone); done segments are not claimed.
 */
export async function claimSegments(
  table: ReadModelTable,
  ref: ProjectionRef,
  segments: readonly number[],
  runId: string,
  resume: boolean,
): Promise<void> {
  await mapLimit(segments, 8, async (segment) => {
    try {
      await table.update(claimSegmentRequest(ref, segment, runId, resume));
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      throw new ProjectionVersionExistsError({
        projection: ref.name,
        version: ref.version,
        status: `building (segment ${segment} has another rebuild; resume it)`,
      });
    }
  });
}

/**
 * Undoes the unfinished flushes of earlier runs of these segments (a crash during a flush): each
 * owner's flush after the last one that saved a position is put back from its journal.
 */
export async function undoUnsavedFlushes(
  table: ReadModelTable,
  ref: ProjectionRef,
  records: readonly SegmentRecord[],
): Promise<number> {
  const saved = new Map<string, number>();
  for (const record of records) {
    if (record.owner !== undefined)
      saved.set(record.owner, Math.max(saved.get(record.owner) ?? 0, record.generation));
  }
  let restored = 0;
  for (const [owner, generation] of saved)
    restored += await restoreJournal(table, ref, owner, generation + 1);
  return restored;
}

/**
 * Records the positions of a run's segments, in one transaction (up to 100 segments): a resumed
 * rebuild then starts every segment where the last flush left it. Fails when a resume by another
 * run took a segment over.
 */
export async function saveProgress(
  table: ReadModelTable,
  ref: ProjectionRef,
  positions: readonly SegmentPosition[],
  run: { readonly runId: string; readonly generation: number },
  now: string,
): Promise<'saved' | 'taken-over'> {
  const actions = positions.map(
    (position): TransactWriteItem => ({
      Update: {
        ...segmentProgressRequest(ref, position, run, now),
        TableName: table.tableName,
      } as TransactWriteItem['Update'],
    }),
  );
  return (await table.write(actions)) === 'committed' ? 'saved' : 'taken-over';
}
