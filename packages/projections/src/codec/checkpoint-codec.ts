import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  type CheckpointState,
  INITIAL_CHECKPOINT,
  MAX_CHECKPOINT_ERROR_CHARS,
} from '../engine/checkpoint.js';

type Item = Record<string, AttributeValue>;

/**
 * Attribute names of a checkpoint. A checkpoint item (one per projection version and stream) names
 * them in full; a checkpoint kept inside a stream's own document (a projection with
 * `streamDocument`) uses the short names, next to the document's `doc`, `rev` and `at`.
 */
const NAMES = {
  item: {
    stream: 'streamId',
    version: 'version',
    failed: 'failedVersion',
    attempts: 'attempts',
    error: 'lastError',
    parked: 'parkedAt',
  },
  embedded: {
    stream: 'cpStream',
    version: 'cp',
    failed: 'cpFailed',
    attempts: 'cpAttempts',
    error: 'cpError',
    parked: 'cpParked',
  },
} as const;

type Layout = keyof typeof NAMES;

/** The attributes of a checkpoint, in a checkpoint item or inside a stream's document. */
export function checkpointAttributes(layout: Layout, streamId: string, state: CheckpointState): Item {
  const names = NAMES[layout];
  const item: Item = { [names.stream]: { S: streamId }, [names.version]: { N: String(state.version) } };
  if (state.failedVersion !== undefined) item[names.failed] = { N: String(state.failedVersion) };
  if (state.attempts !== undefined) item[names.attempts] = { N: String(state.attempts) };
  if (state.lastError !== undefined)
    item[names.error] = { S: state.lastError.slice(0, MAX_CHECKPOINT_ERROR_CHARS) };
  if (state.parkedAt !== undefined) item[names.parked] = { N: String(state.parkedAt) };
  return item;
}

/** The checkpoint an item holds (`undefined` when it holds none), and whose stream it is. */
export function decodeCheckpoint(
  layout: Layout,
  item: Item | undefined,
): { streamId: string; state: CheckpointState } | undefined {
  const names = NAMES[layout];
  const version = item?.[names.version]?.N;
  if (item === undefined || version === undefined) return undefined;
  const number = (name: string) => (item[name]?.N === undefined ? undefined : Number(item[name]?.N));
  const state: CheckpointState = {
    version: Number(version),
    ...optional('failedVersion', number(names.failed)),
    ...optional('attempts', number(names.attempts)),
    ...optional('lastError', item[names.error]?.S),
    ...optional('parkedAt', number(names.parked)),
  };
  return { streamId: item[names.stream]?.S ?? '', state };
}

/** The checkpoint state of an item, or the initial one. */
export const checkpointOf = (layout: Layout, item: Item | undefined): CheckpointState =>
  decodeCheckpoint(layout, item)?.state ?? INITIAL_CHECKPOINT;

function optional<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: V };
}

/** An upper bound of the bytes a checkpoint adds to an item (names and values). */
export const checkpointBytes = (streamId: string, state: CheckpointState): number =>
  120 + 2 * Buffer.byteLength(streamId, 'utf8') + (state.lastError?.length ?? 0) * 3;
