import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { checkpointKey, type ProjectionRef } from '../keys.js';
import { type Condition, revisionCondition } from './condition.js';

/**
 * Where a projection is in one stream. Written in the same transaction as the documents its
 * events changed, and conditioned on `rev`, so two invocations can never both advance it.
 */
export interface CheckpointState {
  /** Last applied version (0: nothing applied). */
  readonly version: number;
  /** Revision of the checkpoint item (0: the item does not exist yet). */
  readonly rev: number;
  /** The version that failed last, and how many attempts failed on it (the durable retry count). */
  readonly failedVersion?: number;
  readonly attempts?: number;
  readonly lastError?: string;
  /** Set when the stream is parked at this version after a dead letter ('park-stream'). */
  readonly parkedAt?: number;
}

/** A checkpoint that has never been written. */
export const INITIAL_CHECKPOINT: CheckpointState = { version: 0, rev: 0 };

const MAX_ERROR_CHARS = 1_000;

/** Decodes a checkpoint item; `undefined` (no item) is the initial checkpoint. */
export function decodeCheckpoint(item: Record<string, AttributeValue> | undefined): CheckpointState {
  if (!item) return INITIAL_CHECKPOINT;
  const number = (name: string) => (item[name]?.N === undefined ? undefined : Number(item[name]?.N));
  return {
    version: number('version') ?? 0,
    rev: number('rev') ?? 0,
    ...optional('failedVersion', number('failedVersion')),
    ...optional('attempts', number('attempts')),
    ...optional('lastError', item.lastError?.S),
    ...optional('parkedAt', number('parkedAt')),
  };
}

function optional<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: V };
}

/** The item of the checkpoint `next`, whose revision is one more than the previous. */
export function checkpointItem(
  ref: ProjectionRef,
  streamId: string,
  next: CheckpointState,
  now: string,
): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    ...checkpointKey(ref, streamId),
    streamId: { S: streamId },
    version: { N: String(next.version) },
    rev: { N: String(next.rev) },
    at: { S: now },
  };
  if (next.failedVersion !== undefined) item.failedVersion = { N: String(next.failedVersion) };
  if (next.attempts !== undefined) item.attempts = { N: String(next.attempts) };
  if (next.lastError !== undefined) item.lastError = { S: next.lastError.slice(0, MAX_ERROR_CHARS) };
  if (next.parkedAt !== undefined) item.parkedAt = { N: String(next.parkedAt) };
  return item;
}

/** Approximate item size of a checkpoint, for the 4 MB transaction budget. */
export const checkpointSize = (streamId: string, next: CheckpointState): number =>
  120 + 2 * Buffer.byteLength(streamId, 'utf8') + (next.lastError?.length ?? 0);

/** A checkpoint write is conditioned on the revision read (or on absence for revision 0). */
export const checkpointCondition = (previousRev: number): Condition =>
  revisionCondition(previousRev === 0 ? undefined : { N: String(previousRev) });
