import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { deadLetterIndexKey, deadLetterKey, type ProjectionRef, padVersion } from '../keys.js';
import type { PoisonEventPolicy } from '../projection.js';

/**
 * An event a projection gave up on after its retries, kept for inspection and replay.
 *
 * @example
 * const letters: DeadLetter[] = await listDeadLetters({ client, tableName, projection: accounts });
 */
export interface DeadLetter {
  readonly projection: string;
  readonly projectionVersion: number;
  readonly streamId: string;
  /** Version of the event in its stream. */
  readonly version: number;
  readonly eventId: string;
  readonly eventType: string;
  readonly error: { readonly name: string; readonly message: string; readonly stack?: string };
  /** Failed attempts before the event was dead-lettered. */
  readonly attempts: number;
  /** ISO-8601 time of the dead-lettering. */
  readonly failedAt: string;
  /** What happened to the stream's later events: parked behind it, or applied without it. */
  readonly policy: PoisonEventPolicy;
  readonly status: 'open' | 'replayed';
  readonly replayedAt?: string;
}

const MAX_STACK_CHARS = 4_000;
const MAX_MESSAGE_CHARS = 2_000;

/** A new, open dead letter for an event a projection gives up on. */
export function newDeadLetter(input: {
  ref: ProjectionRef;
  policy: PoisonEventPolicy;
  event: {
    readonly streamId: string;
    readonly version: number;
    readonly eventId: string;
    readonly type: string;
  };
  error: unknown;
  attempts: number;
  now: Date;
}): DeadLetter {
  const { ref, event } = input;
  return {
    projection: ref.name,
    projectionVersion: ref.version,
    streamId: event.streamId,
    version: event.version,
    eventId: event.eventId,
    eventType: event.type,
    error: describeError(input.error),
    attempts: input.attempts,
    failedAt: input.now.toISOString(),
    policy: input.policy,
    status: 'open',
  };
}

/** Describes any thrown value as `{ name, message, stack }`. */
export function describeError(error: unknown): DeadLetter['error'] {
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message.slice(0, MAX_MESSAGE_CHARS),
      ...(error.stack ? { stack: error.stack.slice(0, MAX_STACK_CHARS) } : {}),
    };
  }
  return { name: 'NonError', message: String(error).slice(0, MAX_MESSAGE_CHARS) };
}

/** The item of a dead letter. The index attributes make it listable per projection version. */
export function deadLetterItem(ref: ProjectionRef, letter: DeadLetter): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    ...deadLetterKey(ref, letter.streamId, letter.version),
    dlProjection: { S: deadLetterIndexKey(ref) },
    dlOrder: { S: `${letter.streamId}#${padVersion(letter.version)}` },
    projection: { S: letter.projection },
    projectionVersion: { N: String(letter.projectionVersion) },
    streamId: { S: letter.streamId },
    version: { N: String(letter.version) },
    eventId: { S: letter.eventId },
    eventType: { S: letter.eventType },
    errorName: { S: letter.error.name },
    errorMessage: { S: letter.error.message },
    attempts: { N: String(letter.attempts) },
    failedAt: { S: letter.failedAt },
    policy: { S: letter.policy },
    status: { S: letter.status },
  };
  if (letter.error.stack) item.errorStack = { S: letter.error.stack };
  if (letter.replayedAt) item.replayedAt = { S: letter.replayedAt };
  return item;
}

/** Decodes a dead-letter item. */
export function decodeDeadLetter(item: Record<string, AttributeValue>): DeadLetter {
  return {
    projection: item.projection?.S ?? '',
    projectionVersion: Number(item.projectionVersion?.N),
    streamId: item.streamId?.S ?? '',
    version: Number(item.version?.N),
    eventId: item.eventId?.S ?? '',
    eventType: item.eventType?.S ?? '',
    error: {
      name: item.errorName?.S ?? 'Error',
      message: item.errorMessage?.S ?? '',
      ...(item.errorStack?.S ? { stack: item.errorStack.S } : {}),
    },
    attempts: Number(item.attempts?.N ?? 0),
    failedAt: item.failedAt?.S ?? '',
    policy: item.policy?.S === 'skip-event' ? 'skip-event' : 'park-stream',
    status: item.status?.S === 'replayed' ? 'replayed' : 'open',
    ...(item.replayedAt?.S ? { replayedAt: item.replayedAt.S } : {}),
  };
}

/** A write of a new dead letter, for the transaction that also moves the checkpoint. */
export function putDeadLetter(tableName: string, ref: ProjectionRef, letter: DeadLetter): TransactWriteItem {
  return { Put: { TableName: tableName, Item: deadLetterItem(ref, letter) } };
}

/**
 * Marks a dead letter replayed, only if it is still open: two replays running at once cannot
 * both apply it, because the second one's transaction fails on this condition.
 */
export function resolveDeadLetter(
  tableName: string,
  ref: ProjectionRef,
  letter: Pick<DeadLetter, 'streamId' | 'version'>,
  now: string,
): TransactWriteItem {
  return {
    Update: {
      TableName: tableName,
      Key: deadLetterKey(ref, letter.streamId, letter.version),
      UpdateExpression: 'SET #status = :replayed, #replayedAt = :now',
      ConditionExpression: '#status = :open',
      ExpressionAttributeNames: { '#status': 'status', '#replayedAt': 'replayedAt' },
      ExpressionAttributeValues: {
        ':replayed': { S: 'replayed' },
        ':open': { S: 'open' },
        ':now': { S: now },
      },
    },
  };
}

/** Approximate size of a dead-letter item, for the transaction's 4 MB budget. */
export const deadLetterSize = (letter: DeadLetter): number =>
  400 + 3 * letter.streamId.length + letter.error.message.length + (letter.error.stack?.length ?? 0);
