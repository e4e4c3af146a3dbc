import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { checkpointAttributes } from '../codec/checkpoint-codec.js';
import type { CheckpointState } from '../engine/checkpoint.js';
import { checkpointKey, documentKey, type ProjectionRef } from '../keys.js';

/**
 * What a write of the apply path requires of the item it writes:
 * - `absent`: it was read as absent and must still be;
 * - `revision`: it must still be at the revision read (a random token for documents, so a
 *   document deleted and created again by others in between never matches: no ABA; a counter for
 *   checkpoint items);
 * - `none`: a document written without being read, whose new value does not depend on the old
 *   one; the checkpoints in the same write keep it once-only;
 * - `not-a-stream-document`: the same, where another stream's document may hold that stream's
 *   checkpoint, which a blind write must never overwrite (it fails instead).
 */
export type ItemCondition =
  | { readonly kind: 'absent' }
  | { readonly kind: 'revision'; readonly rev: AttributeValue }
  | { readonly kind: 'none' }
  | { readonly kind: 'not-a-stream-document' };

type Conditioned = Pick<
  NonNullable<TransactWriteItem['Put']>,
  'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;

/** The condition expression of an {@link ItemCondition}. */
export function conditionOf(condition: ItemCondition): Conditioned {
  switch (condition.kind) {
    case 'absent':
      return { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } };
    case 'revision':
      return {
        ConditionExpression: '#rev = :rev',
        ExpressionAttributeNames: { '#rev': 'rev' },
        ExpressionAttributeValues: { ':rev': condition.rev },
      };
    case 'not-a-stream-document':
      return { ConditionExpression: 'attribute_not_exists(#cp)', ExpressionAttributeNames: { '#cp': 'cp' } };
    case 'none':
      return {};
  }
}

/** A document item to put: its value (none: a tombstone that only keeps a checkpoint), revision and checkpoint. */
export interface DocumentWrite {
  readonly key: string;
  readonly value: AttributeValue | undefined;
  readonly rev: string;
  /** The checkpoint the item holds: its stream's own document keeps the stream's checkpoint. */
  readonly checkpoint?: { readonly streamId: string; readonly state: CheckpointState };
  readonly condition: ItemCondition;
}

/**
 * A put of a document item: `doc` (absent in a tombstone), `rev`, `at`, and, in a stream's own
 * document, that stream's checkpoint (`cp`, ...): one item, so one conditional `PutItem` moves the
 * document and the checkpoint together, exactly once.
 *
 * @example
 * putDocument('read-models', ref, { key: 'account-1', value, rev, condition: { kind: 'absent' } }, now);
 */
export function putDocument(
  tableName: string,
  ref: ProjectionRef,
  write: DocumentWrite,
  now: string,
): TransactWriteItem {
  const Item: Record<string, AttributeValue> = {
    ...documentKey(ref, write.key),
    ...(write.value === undefined ? {} : { doc: write.value }),
    rev: { S: write.rev },
    at: { S: now },
    ...(write.checkpoint
      ? checkpointAttributes('embedded', write.checkpoint.streamId, write.checkpoint.state)
      : {}),
  };
  return { Put: { TableName: tableName, Item, ...conditionOf(write.condition) } };
}

/** A delete of a document item (one that holds no checkpoint). */
export function deleteDocument(
  tableName: string,
  ref: ProjectionRef,
  key: string,
  condition: ItemCondition,
): TransactWriteItem {
  return { Delete: { TableName: tableName, Key: documentKey(ref, key), ...conditionOf(condition) } };
}

/**
 * A put of a checkpoint item at revision `rev` (one more than the revision read), conditioned on
 * the revision read, or on absence for revision 1: two invocations can never both advance it.
 *
 * @example
 * putCheckpoint('read-models', ref, 'account-1', { version: 7 }, 3, now);
 */
export function putCheckpoint(
  tableName: string,
  ref: ProjectionRef,
  streamId: string,
  state: CheckpointState,
  rev: number,
  now: string,
): TransactWriteItem {
  const Item: Record<string, AttributeValue> = {
    ...checkpointKey(ref, streamId),
    ...checkpointAttributes('item', streamId, state),
    rev: { N: String(rev) },
    at: { S: now },
  };
  const condition: ItemCondition =
    rev <= 1 ? { kind: 'absent' } : { kind: 'revision', rev: { N: String(rev - 1) } };
  return { Put: { TableName: tableName, Item, ...conditionOf(condition) } };
}
