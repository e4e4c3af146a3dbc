import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** The condition part of a write request. */
export interface Condition {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

/**
 * The item is still at the revision we read, or still absent if we read it as absent. Put on
 * every document and checkpoint write of the apply path: it is what stops two concurrent
 * invocations from both applying an event, or one from overwriting the other's document.
 */
export function revisionCondition(rev: AttributeValue | undefined): Condition {
  if (rev === undefined) {
    return { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } };
  }
  return {
    ConditionExpression: '#rev = :rev',
    ExpressionAttributeNames: { '#rev': 'rev' },
    ExpressionAttributeValues: { ':rev': rev },
  };
}
