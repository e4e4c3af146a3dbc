import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { encodeDocument } from '../../src/codec/document-codec.js';
import type { DocumentChange } from '../../src/engine/read-model-context.js';
import {
  type BaseDocument,
  type CommitInput,
  type PendingStream,
  planCommit,
} from '../../src/transactional/commit-plan.js';

// Offline: which requests a commit sends, and the condition of every write. No DynamoDB.

const ref = { name: 'accounts', version: 1 };
const doc = (key: string, value: unknown): [string, DocumentChange] => [key, encodeDocument(ref, key, value)];
let revisions = 0;

function plan(input: Partial<CommitInput> & Pick<CommitInput, 'streams' | 'changes'>) {
  revisions = 0;
  return planCommit({
    tableName: 'rm',
    ref,
    now: '2026-01-01T00:00:00.000Z',
    streamDocument: undefined,
    documents: new Map(),
    checkpoints: new Map(),
    newRevision: () => `rev-${++revisions}`,
    ...input,
  });
}

const stream = (
  streamId: string,
  version: number,
  keys: string[],
  extras: TransactWriteItem[] = [],
): PendingStream => ({
  streamId,
  checkpoint: { version },
  keys: new Set(keys),
  extras,
});

const conditionOf = (action: TransactWriteItem | undefined) => {
  const write = action?.Put ?? action?.Delete;
  return [write?.ConditionExpression, write?.ExpressionAttributeValues];
};

describe('planCommit (offline)', () => {
  it('writes a stream document holding its checkpoint as one conditional PutItem, not a transaction', () => {
    const base: BaseDocument = {
      exists: true,
      rev: 'old',
      value: { M: {} },
      checkpoint: { streamId: 'a', state: { version: 3 } },
    };
    const groups = plan({
      streamDocument: (streamId) => streamId,
      changes: new Map([doc('a', { balance: 5 }), doc('b', { balance: 1 })]),
      documents: new Map([
        ['a', base],
        ['b', { exists: false }],
      ]),
      streams: [stream('a', 5, ['a']), stream('b', 1, ['b'])],
    });
    expect(groups.map((group) => [group.streams, group.actions.length])).toEqual([
      [['a'], 1],
      [['b'], 1],
    ]);
    const [a, b] = groups.map((group) => group.actions[0]);
    expect(a?.Put?.Item).toMatchObject({
      pk: { S: 'doc#accounts#1#a' },
      doc: { M: { balance: { N: '5' } } },
      rev: { S: 'rev-1' },
      cp: { N: '5' },
      cpStream: { S: 'a' },
    });
    // Exactly once: the write only lands if nobody wrote the document (and its checkpoint) since it was read.
    expect(conditionOf(a)).toEqual(['#rev = :rev', { ':rev': { S: 'old' } }]);
    expect(conditionOf(b)).toEqual(['attribute_not_exists(#pk)', undefined]);
  });

  it('puts the documents, checkpoint items and dead letters of shared documents into one transaction', () => {
    const letter: TransactWriteItem = {
      Put: { TableName: 'rm', Item: { pk: { S: 'dl#x' }, sk: { S: 'v#1' } } },
    };
    const [group, ...others] = plan({
      changes: new Map([doc('totals', { n: 2 }), doc('blind', { n: 1 })]),
      documents: new Map([['totals', { exists: true, rev: 'r1', value: { M: {} } }]]),
      checkpoints: new Map([['a', { state: { version: 4 }, rev: 7 }]]),
      streams: [stream('a', 6, ['totals', 'blind']), stream('b', 1, ['totals'], [letter])],
    });
    expect(others).toEqual([]);
    expect(group?.streams).toEqual(['a', 'b']);
    const byKey = new Map(group?.actions.map((action) => [action.Put?.Item?.pk?.S, action]));
    expect(conditionOf(byKey.get('doc#accounts#1#totals'))).toEqual(['#rev = :rev', { ':rev': { S: 'r1' } }]);
    // Written without being read: its value does not depend on the old one; the checkpoints keep it once-only.
    expect(conditionOf(byKey.get('doc#accounts#1#blind'))).toEqual([undefined, undefined]);
    expect(byKey.get('cp#accounts#1#a')?.Put?.Item).toMatchObject({ version: { N: '6' }, rev: { N: '8' } });
    expect(conditionOf(byKey.get('cp#accounts#1#a'))).toEqual(['#rev = :rev', { ':rev': { N: '7' } }]);
    expect(conditionOf(byKey.get('cp#accounts#1#b'))).toEqual(['attribute_not_exists(#pk)', undefined]);
    expect(byKey.get('dl#x')).toEqual(letter);
  });

  it('keeps a stream document in the transaction of the shared documents its events changed', () => {
    const [group] = plan({
      streamDocument: (streamId) => `account:${streamId}`,
      changes: new Map([doc('account:a', { n: 1 }), doc('totals', { n: 1 })]),
      documents: new Map([
        ['account:a', { exists: false }],
        ['totals', { exists: false }],
      ]),
      streams: [stream('a', 1, ['account:a', 'totals'])],
    });
    const keys = group?.actions.map((action) => action.Put?.Item?.pk?.S);
    // Two items instead of three: the checkpoint is inside the stream's document.
    expect(keys).toEqual(['doc#accounts#1#totals', 'doc#accounts#1#account:a']);
    expect(group?.actions[1]?.Put?.Item?.cp).toEqual({ N: '1' });
  });

  it('never deletes or blindly overwrites a document holding another stream’s checkpoint', () => {
    const other = { streamId: 'b', state: { version: 9 } };
    const [group] = plan({
      streamDocument: (streamId) => streamId,
      changes: new Map<string, DocumentChange>([['b', null], doc('unread', { n: 1 }), ['gone', null]]),
      documents: new Map([
        [
          'a',
          { exists: true, rev: 'ra', value: { M: {} }, checkpoint: { streamId: 'a', state: { version: 1 } } },
        ],
        ['b', { exists: true, rev: 'rb', value: { M: {} }, checkpoint: other }],
        ['gone', { exists: false }],
      ]),
      streams: [stream('a', 2, ['a', 'b', 'unread', 'gone'])],
    });
    const byKey = new Map(
      group?.actions.map((action) => [action.Put?.Item?.pk?.S ?? action.Delete?.Key?.pk?.S, action]),
    );
    // b's document is deleted as a tombstone that keeps b's checkpoint, and only if b did not move.
    expect(byKey.get('doc#accounts#1#b')?.Put?.Item).toMatchObject({ cp: { N: '9' }, cpStream: { S: 'b' } });
    expect(byKey.get('doc#accounts#1#b')?.Put?.Item?.doc).toBeUndefined();
    expect(conditionOf(byKey.get('doc#accounts#1#b'))).toEqual(['#rev = :rev', { ':rev': { S: 'rb' } }]);
    expect(conditionOf(byKey.get('doc#accounts#1#unread'))).toEqual(['attribute_not_exists(#cp)', undefined]);
    // Read as absent and deleted: nothing to write.
    expect(byKey.has('doc#accounts#1#gone')).toBe(false);
  });
});
