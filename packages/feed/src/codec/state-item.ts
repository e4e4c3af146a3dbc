import { CorruptFeedError } from '../errors.js';
import { type Item, streamIdOfStateKey } from './keys.js';

/**
 * What the feed holds of one stream, as of every batch but the latest: versions 1 .. `version` are
 * in the feed, `version` at `position`. Only ever raised (a conditional update), so a late or
 * repeated write can never lower it.
 */
export interface StreamState {
  readonly streamId: string;
  readonly version: number;
  readonly position: number;
}

/** @throws CorruptFeedError when the item is not a stream state. */
export function decodeStateItem(item: Item): StreamState {
  const streamId = streamIdOfStateKey(item);
  const version = Number(item.v?.N);
  const position = Number(item.q?.N);
  if (!streamId || !isPositive(version) || !isPositive(position)) {
    throw new CorruptFeedError(`the stream state ${item.p?.S} is malformed (v=${item.v?.N}, q=${item.q?.N})`);
  }
  return { streamId, version, position };
}

const isPositive = (value: number) => Number.isSafeInteger(value) && value >= 1;
