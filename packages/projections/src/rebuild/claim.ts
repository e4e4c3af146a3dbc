import { isConditionalCheckFailure } from '@dynamo-es/event-store';
import { InvalidProjectionError, ProjectionVersionExistsError } from '../errors.js';
import type { Projection } from '../projection.js';
import { claimRebuildRequest, markReadyRequest } from '../requests/registry-requests.js';
import type { ReadModelTable } from '../table/read-model-table.js';
import { positive } from '../validation.js';
import { readVersion, registerVersion } from '../versions/version-registry.js';
import type { RebuildOptions } from './rebuild-options.js';

const MAX_SEGMENTS = 100;

/** Which segments of how many a rebuild runs. */
export interface SegmentPlan {
  readonly total: number;
  readonly only: readonly number[];
  /** Other processes run other segments. */
  readonly split: boolean;
}

export function segmentPlan(projection: Projection, options: RebuildOptions): SegmentPlan {
  if (options.source !== undefined) return sourcePlan(options);
  const total = positive(options.segments, 4, 'segments');
  if (total > MAX_SEGMENTS)
    throw new InvalidProjectionError('segments', `expected at most ${MAX_SEGMENTS}, got ${total}`);
  const all = Array.from({ length: total }, (_, segment) => segment);
  if (options.only === undefined) return { total, only: all, split: false };
  const only = [...new Set(options.only)];
  if (
    only.length === 0 ||
    only.some((segment) => !Number.isSafeInteger(segment) || segment < 0 || segment >= total)
  ) {
    throw new InvalidProjectionError(
      'only',
      `expected segments from 0 to ${total - 1}, got ${JSON.stringify(options.only)}`,
    );
  }
  const split = only.length < total;
  if (split && !projection.streamDocument) {
    throw new InvalidProjectionError(
      'only',
      'a rebuild split over processes needs streamDocument (each stream writing only its own document)',
    );
  }
  return { total, only: only.sort((a, b) => a - b), split };
}

/**
 * Registers the version `building` (unless it is: a prepared version) and records the rebuild's
 * segments. Refused for a version that is `live`, `ready`, or already being rebuilt, unless this
 * run resumes it or runs other segments of it.
 */
export async function claimVersion(
  table: ReadModelTable,
  projection: Projection,
  plan: SegmentPlan,
  runId: string,
  { resume, now }: { readonly resume: boolean; readonly now: string },
): Promise<void> {
  const ref = { name: projection.name, version: projection.version };
  const record = await registerVersion(table, ref, 'building', now);
  const exists = (status: string) =>
    new ProjectionVersionExistsError({ projection: ref.name, version: ref.version, status });
  if (record.status !== 'building') throw exists(record.status);
  try {
    await table.update(claimRebuildRequest(ref, plan.total, runId, resume || plan.split));
  } catch (error) {
    if (!isConditionalCheckFailure(error)) throw error;
    const current = await readVersion(table, ref);
    if (current?.status === 'building' && current.segments !== undefined && current.segments !== plan.total) {
      throw new InvalidProjectionError(
        'segments',
        `the rebuild of ${ref.name} v${ref.version} runs ${current.segments} segments`,
      );
    }
    throw exists(
      current?.status === 'building' ? 'building (being rebuilt; resume it)' : (current?.status ?? 'missing'),
    );
  }
}

/** Makes the version `ready`; false when another process of a split rebuild did it first. */
export async function markReady(
  table: ReadModelTable,
  projection: Projection,
  stats: Record<string, number>,
  now: string,
): Promise<boolean> {
  try {
    await table.update(markReadyRequest(projection, stats, now));
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
}

/** A rebuild from a source is one segment: the scan's options mean nothing there, so they are refused. */
function sourcePlan(options: RebuildOptions): SegmentPlan {
  if (typeof (options.source as { readPages?: unknown }).readPages !== 'function') {
    throw new InvalidProjectionError('source', 'expected an ordered event source such as a Feed (readPages)');
  }
  for (const name of ['segments', 'only', 'consistentScan', 'pageSize'] as const) {
    if (options[name] !== undefined) {
      throw new InvalidProjectionError(
        name,
        `a rebuild from a source reads it in order, as one segment: leave out ${name}, or the source to scan`,
      );
    }
  }
  return { total: 1, only: [0], split: false };
}
