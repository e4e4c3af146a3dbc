import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { batchOutcome } from '../src/batch-outcome.js';
import { isBatchItemFailuresError, isMalformedBatchResponseError } from '../src/errors.js';

const records: DynamoDBRecord[] = ['101', '102', '103', '104'].map((SequenceNumber) => ({
  dynamodb: { SequenceNumber },
}));

describe('batchOutcome (Lambda ReportBatchItemFailures rules)', () => {
  it.each([
    ['no response', undefined],
    ['null', null],
    ['an object without batchItemFailures', { ok: true }],
    ['batchItemFailures null', { batchItemFailures: null }],
    ['an empty list', { batchItemFailures: [] }],
    ['a non-object response', 'done'],
  ])('treats %s as success', (_name, response) => {
    expect(batchOutcome(records, response)).toEqual({ kind: 'success' });
  });

  it('redelivers from the lowest failed record, whatever the order of the list', () => {
    const outcome = batchOutcome(records, {
      batchItemFailures: [{ itemIdentifier: '104' }, { itemIdentifier: '102' }],
    });
    expect(outcome).toMatchObject({ kind: 'partial', failedIndex: 1 });
    expect(outcome.kind === 'partial' && isBatchItemFailuresError(outcome.error)).toBe(true);
  });

  it.each([
    ['an unknown identifier', { batchItemFailures: [{ itemIdentifier: '102' }, { itemIdentifier: '999' }] }],
    ['an empty identifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a missing identifier', { batchItemFailures: [{}] }],
    ['a null entry', { batchItemFailures: [null] }],
    ['a list that is not an array', { batchItemFailures: { itemIdentifier: '101' } }],
  ])('fails the whole batch for %s', (_name, response) => {
    const outcome = batchOutcome(records, response);
    expect(outcome.kind).toBe('failure');
    expect(outcome.kind === 'failure' && isMalformedBatchResponseError(outcome.error)).toBe(true);
  });
});
