/**
 * True when a single conditional write (`PutItem`, `UpdateItem`, `DeleteItem`) failed its
 * condition: nothing was written. (A transaction fails with `TransactionCanceledException` instead,
 * whose `CancellationReasons` say which item's condition failed.)
 *
 * @example
 * try { await client.send(new PutItemCommand(input)); } catch (error) { if (!isConditionalCheckFailure(error)) throw error; }
 */
export function isConditionalCheckFailure(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'ConditionalCheckFailedException'
  );
}

/**
 * The cancellation reason codes of a failed `TransactWriteItems` (`'None'` for the items that were
 * fine), or `undefined` when the error is not a cancellation.
 *
 * @example
 * const codes = cancellationCodes(error); // ['None', 'ConditionalCheckFailed']
 */
export function cancellationCodes(error: unknown): string[] | undefined {
  if ((error as { name?: unknown } | undefined)?.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
}
