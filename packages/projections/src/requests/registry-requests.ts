import type { AttributeValue, PutItemCommandInput, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { activeVersionKey, type ProjectionRef, rebuildSegmentKey, versionKey } from '../keys.js';

type Put = Omit<PutItemCommandInput, 'TableName'>;
type Update = Omit<UpdateItemCommandInput, 'TableName'>;

/**
 * Creates a version's registry entry unless one exists: the first writer wins, so a rebuild never
 * starts over a live-built version, and live handlers never make a prepared version `live`.
 */
export function registerVersionRequest(ref: ProjectionRef, status: 'building' | 'live', now: string): Put {
  return {
    Item: { ...versionKey(ref), status: { S: status }, createdAt: { S: now }, projection: { S: ref.name } },
    ConditionExpression: 'attribute_not_exists(#pk)',
    ExpressionAttributeNames: { '#pk': 'pk' },
  };
}

/**
 * Records that a rebuild of `segments` segments builds a `building` version. A second rebuild of
 * the version is refused, unless it resumes this one or runs other segments of it (`join`), with
 * the same number of segments.
 */
export function claimRebuildRequest(
  ref: ProjectionRef,
  segments: number,
  runId: string,
  join: boolean,
): Update {
  const started = join
    ? '(attribute_not_exists(#segments) OR #segments = :segments)'
    : 'attribute_not_exists(#segments)';
  return {
    Key: versionKey(ref),
    UpdateExpression: 'SET #segments = :segments, #rebuildId = :runId',
    ConditionExpression: `#status = :building AND ${started}`,
    ExpressionAttributeNames: { '#status': 'status', '#segments': 'segments', '#rebuildId': 'rebuildId' },
    ExpressionAttributeValues: {
      ':building': { S: 'building' },
      ':segments': { N: String(segments) },
      ':runId': { S: runId },
    },
  };
}

/** Makes a `building` version `ready`, once, with what its rebuild went through. */
export function markReadyRequest(ref: ProjectionRef, stats: Record<string, number>, now: string): Update {
  const values = Object.fromEntries(
    Object.entries(stats).map(([name, value]) => [`:${name}`, { N: String(value) }]),
  );
  const names = Object.fromEntries(Object.keys(stats).map((name) => [`#${name}`, name]));
  const sets = Object.keys(stats).map((name) => `, #${name} = :${name}`);
  return {
    Key: versionKey(ref),
    UpdateExpression: `SET #status = :ready, #readyAt = :now${sets.join('')}`,
    ConditionExpression: '#status = :building',
    ExpressionAttributeNames: { '#status': 'status', '#readyAt': 'readyAt', ...names },
    ExpressionAttributeValues: {
      ':ready': { S: 'ready' },
      ':building': { S: 'building' },
      ':now': { S: now },
      ...values,
    },
  };
}

/** Points readers of a projection at `version` (one item). */
export function switchVersionRequest(ref: ProjectionRef, now: string): Put {
  return {
    Item: { ...activeVersionKey(ref.name), version: { N: String(ref.version) }, switchedAt: { S: now } },
  };
}

/**
 * Claims a rebuild segment for run `runId`: refused when the segment is done, or when another run
 * has it (unless `resume`: the operator says that run is gone).
 */
export function claimSegmentRequest(
  ref: ProjectionRef,
  segment: number,
  runId: string,
  resume: boolean,
): Update {
  return {
    Key: rebuildSegmentKey(ref, segment),
    UpdateExpression: 'SET #owner = :runId, #segment = :segment',
    ConditionExpression: resume
      ? 'attribute_not_exists(#done)'
      : 'attribute_not_exists(#done) AND (attribute_not_exists(#owner) OR #owner = :runId)',
    ExpressionAttributeNames: { '#owner': 'owner', '#segment': 'segment', '#done': 'done' },
    ExpressionAttributeValues: { ':runId': { S: runId }, ':segment': { N: String(segment) } },
  };
}

/** Where a segment's scan is, as written after a flush of everything applied before it. */
export interface SegmentPosition {
  readonly segment: number;
  /** The scan's `LastEvaluatedKey`; absent when the segment is done. */
  readonly startKey?: Record<string, AttributeValue>;
  readonly done: boolean;
  /** Events applied from this segment so far. */
  readonly events: number;
}

/**
 * Records a segment's position after flush `generation` of run `runId`, if the segment is still
 * that run's: a resume undoes a later, unfinished flush of the run from its journal.
 */
export function segmentProgressRequest(
  ref: ProjectionRef,
  position: SegmentPosition,
  run: { readonly runId: string; readonly generation: number },
  now: string,
): Update {
  const common = { Key: rebuildSegmentKey(ref, position.segment), ConditionExpression: '#owner = :runId' };
  const names = { '#owner': 'owner', '#events': 'events', '#at': 'at', '#generation': 'generation' };
  const values = {
    ':runId': { S: run.runId },
    ':events': { N: String(position.events) },
    ':at': { S: now },
    ':generation': { N: String(run.generation) },
  };
  const set = '#events = :events, #at = :at, #generation = :generation';
  if (position.done) {
    return {
      ...common,
      UpdateExpression: `SET #done = :true, ${set} REMOVE #startKey`,
      ExpressionAttributeNames: { ...names, '#done': 'done', '#startKey': 'startKey' },
      ExpressionAttributeValues: { ...values, ':true': { BOOL: true } },
    };
  }
  return {
    ...common,
    UpdateExpression: `SET #startKey = :startKey, ${set}`,
    ExpressionAttributeNames: { ...names, '#startKey': 'startKey' },
    ExpressionAttributeValues: { ...values, ':startKey': { M: position.startKey ?? {} } },
  };
}

/** The registry partition of a projection: its versions, active pointer and rebuild segments. */
export function registryQuery(name: string) {
  return {
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': 'pk' },
    ExpressionAttributeValues: { ':pk': { S: versionKey({ name, version: 1 }).pk?.S ?? '' } },
    ConsistentRead: true,
  };
}
