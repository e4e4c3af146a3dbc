import type { DynamoDBRecord } from 'aws-lambda';
import { BatchItemFailuresError, MalformedBatchResponseError } from './errors.js';
import { sequenceNumberOf } from './lambda-record.js';

/** What one invocation of the handler means for its batch. */
export type BatchOutcome =
  | { readonly kind: 'success' }
  /** Records before `failedIndex` are done; redeliver from `failedIndex` on. */
  | { readonly kind: 'partial'; readonly failedIndex: number; readonly error: BatchItemFailuresError }
  /** Nothing is done: the handler threw, or its response was malformed. */
  | { readonly kind: 'failure'; readonly error: unknown };

const SUCCESS: BatchOutcome = { kind: 'success' };

function failedIdentifiers(failures: unknown): string[] | MalformedBatchResponseError {
  if (!Array.isArray(failures)) {
    return new MalformedBatchResponseError(`batchItemFailures is ${typeof failures}, not an array`);
  }
  const identifiers: string[] = [];
  for (const failure of failures as unknown[]) {
    const identifier = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof identifier !== 'string' || identifier === '') {
      return new MalformedBatchResponseError(
        `itemIdentifier ${JSON.stringify(identifier)} is not a sequence number`,
      );
    }
    identifiers.push(identifier);
  }
  return identifiers;
}

/**
 * Reads a handler's response with Lambda's `ReportBatchItemFailures` rules: no response, no
 * `batchItemFailures` or an empty list is success; an empty, missing or unknown `itemIdentifier` fails
 * the whole batch; otherwise the batch is done up to the lowest failed record.
 *
 * @example
 * batchOutcome(records, { batchItemFailures: [{ itemIdentifier: records[3].dynamodb.SequenceNumber }] });
 * // { kind: 'partial', failedIndex: 3, error: BatchItemFailuresError }
 */
export function batchOutcome(records: readonly DynamoDBRecord[], response: unknown): BatchOutcome {
  if (typeof response !== 'object' || response === null) return SUCCESS;
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return SUCCESS;
  const identifiers = failedIdentifiers(failures);
  if (!Array.isArray(identifiers)) return { kind: 'failure', error: identifiers };
  if (identifiers.length === 0) return SUCCESS;
  const positions = new Map(records.map((record, index) => [sequenceNumberOf(record), index]));
  let failedIndex = records.length;
  for (const identifier of identifiers) {
    const index = positions.get(identifier);
    if (index === undefined) {
      const error = new MalformedBatchResponseError(
        `itemIdentifier "${identifier}" is not a record of the batch`,
      );
      return { kind: 'failure', error };
    }
    failedIndex = Math.min(failedIndex, index);
  }
  return { kind: 'partial', failedIndex, error: new BatchItemFailuresError(identifiers) };
}
