import type {
  PutItemCommandInput,
  TransactWriteItem,
  TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { EventAttribute, type EventItem } from '../codec/event-item.js';

/**
 * `PutItem` of one event that fails when its version is taken. `ALL_OLD` returns the item that
 * holds the version, for free, so a conflict can be told from a retry of the same event, and the
 * conflict reports the version it found without another read.
 */
export function buildPutEvent(tableName: string, item: EventItem): PutItemCommandInput {
  return {
    TableName: tableName,
    Item: item,
    ConditionExpression: 'attribute_not_exists(#v)',
    ExpressionAttributeNames: { '#v': EventAttribute.Version },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/** What one stream contributes to an atomic append. */
export interface StreamWrite {
  readonly streamId: string;
  readonly items: readonly EventItem[];
  /** Version that must already exist (gap proof), or undefined when none is needed. */
  readonly proveVersion?: number;
  /** A stream with no events to write: the version that must not exist yet (it is still at the one before). */
  readonly absentVersion?: number;
}

/** An action of the transaction and what it is, so cancellation reasons can be mapped back. */
export type TransactionAction =
  | { readonly kind: 'put'; readonly streamIndex: number; readonly eventIndex: number }
  | { readonly kind: 'proof'; readonly streamIndex: number }
  | { readonly kind: 'unchanged'; readonly streamIndex: number }
  | { readonly kind: 'key' };

/**
 * One `TransactWriteItems` for every event of every stream: each event is a conditional put, and a
 * stream whose expected version nobody here has seen gets a `ConditionCheck` that the version
 * exists, so a wrong expected version can never leave a gap. A stream with no events gets a
 * `ConditionCheck` that its next version does not exist (the events of the others were decided on
 * its state: it must not have moved), and `key`, the idempotency record's `Put`, goes in the same
 * transaction, so the record exists if and only if the events do.
 */
export function buildAppendTransaction(
  tableName: string,
  writes: readonly StreamWrite[],
  key?: { readonly put: PutItemCommandInput },
): { input: TransactWriteItemsCommandInput; actions: TransactionAction[] } {
  const items: TransactWriteItem[] = [];
  const actions: TransactionAction[] = [];
  writes.forEach((write, streamIndex) => {
    if (write.absentVersion !== undefined) {
      items.push({
        ConditionCheck: {
          TableName: tableName,
          Key: { s: { S: write.streamId }, v: { N: String(write.absentVersion) } },
          ConditionExpression: 'attribute_not_exists(#v)',
          ExpressionAttributeNames: { '#v': EventAttribute.Version },
          // The event that took the version, for free: the conflict reports it without a read.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
      actions.push({ kind: 'unchanged', streamIndex });
    }
    if (write.proveVersion !== undefined) {
      items.push({
        ConditionCheck: {
          TableName: tableName,
          Key: { s: { S: write.streamId }, v: { N: String(write.proveVersion) } },
          ConditionExpression: 'attribute_exists(#v)',
          ExpressionAttributeNames: { '#v': EventAttribute.Version },
        },
      });
      actions.push({ kind: 'proof', streamIndex });
    }
    write.items.forEach((item, eventIndex) => {
      items.push({ Put: buildPutEvent(tableName, item) });
      actions.push({ kind: 'put', streamIndex, eventIndex });
    });
  });
  if (key) {
    items.push({ Put: key.put as NonNullable<TransactWriteItem['Put']> });
    actions.push({ kind: 'key' });
  }
  return { input: { TransactItems: items }, actions };
}
