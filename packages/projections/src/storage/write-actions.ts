import {
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

/** `committed`, or `conflict`: a condition failed or DynamoDB cancelled for a concurrent transaction. */
export type WriteOutcome =
  | { readonly kind: 'committed' }
  | { readonly kind: 'conflict'; readonly reasons: string[] };

// Cancellation codes that mean "nothing was written; read again and retry". A failed condition
// means another invocation changed a checkpoint or document we read: never overwrite it blindly.
const RETRYABLE_CODES = new Set([
  'ConditionalCheckFailed',
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

/**
 * Sends write actions atomically with the fewest capacity units: a single action as a plain
 * conditional write (1 WCU per KB), several as one `TransactWriteItems` (2 WCU per KB per item).
 */
export async function sendWriteActions(
  client: DynamoDBClient,
  actions: readonly TransactWriteItem[],
): Promise<WriteOutcome> {
  if (actions.length === 0) return { kind: 'committed' };
  try {
    if (actions.length === 1) await sendSingle(client, actions[0] as TransactWriteItem);
    else await client.send(new TransactWriteItemsCommand({ TransactItems: [...actions] }));
    return { kind: 'committed' };
  } catch (error) {
    const reasons = retryableReasons(error);
    if (reasons) return { kind: 'conflict', reasons };
    throw error;
  }
}

async function sendSingle(client: DynamoDBClient, action: TransactWriteItem): Promise<void> {
  if (action.Put) await client.send(new PutItemCommand(action.Put));
  else if (action.Delete) await client.send(new DeleteItemCommand(action.Delete));
  else if (action.Update) await client.send(new UpdateItemCommand(action.Update));
  else if (action.ConditionCheck) {
    // A lone condition check writes nothing; it only matters inside a transaction.
    await client.send(new TransactWriteItemsCommand({ TransactItems: [action] }));
  }
}

function retryableReasons(error: unknown): string[] | undefined {
  const name = (error as { name?: string }).name;
  if (name === 'ConditionalCheckFailedException') return ['ConditionalCheckFailed'];
  if (name === 'TransactionConflictException') return ['TransactionConflict'];
  if (name !== 'TransactionCanceledException') return undefined;
  const codes = ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [])
    .map((reason) => reason.Code ?? 'None')
    .filter((code) => code !== 'None');
  return codes.length > 0 && codes.every((code) => RETRYABLE_CODES.has(code)) ? codes : undefined;
}
