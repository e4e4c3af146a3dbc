import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { CheckpointState } from '../engine/checkpoint.js';
import type { DocumentChange } from '../engine/read-model-context.js';
import type { ProjectionRef } from '../keys.js';
import {
  type DocumentWrite,
  deleteDocument,
  type ItemCondition,
  putCheckpoint,
  putDocument,
} from '../requests/document-writes.js';

/** A document as read (or as last written by us). */
export interface BaseDocument {
  readonly exists: boolean;
  /** The item's size as read (for the transaction budget). */
  readonly size?: number;
  readonly value?: AttributeValue;
  readonly rev?: string;
  /** The checkpoint the item holds (a stream's own document). */
  readonly checkpoint?: { readonly streamId: string; readonly state: CheckpointState };
}

export const ABSENT: BaseDocument = { exists: false };

/** A checkpoint item as read: revision 0 when it does not exist. */
export interface BaseCheckpoint {
  readonly state: CheckpointState;
  readonly rev: number;
}

/** What one stream has waiting to be written. */
export interface PendingStream {
  readonly streamId: string;
  readonly checkpoint: CheckpointState;
  /** The documents its events changed. */
  readonly keys: ReadonlySet<string>;
  /** Other writes that must go with its checkpoint: dead letters, a dead letter's resolution. */
  readonly extras: readonly TransactWriteItem[];
}

export interface CommitInput {
  readonly tableName: string;
  readonly ref: ProjectionRef;
  readonly now: string;
  /** The key of a stream's own document, which keeps its checkpoint (see `streamDocument`). */
  readonly streamDocument: ((streamId: string) => string) | undefined;
  readonly changes: ReadonlyMap<string, DocumentChange>;
  /** Documents as read; a changed key missing here was written without being read. */
  readonly documents: ReadonlyMap<string, BaseDocument>;
  /** Checkpoint items as read (projections without `streamDocument`). */
  readonly checkpoints: ReadonlyMap<string, BaseCheckpoint>;
  readonly streams: readonly PendingStream[];
  readonly newRevision: () => string;
}

/** Writes that succeed or fail together: one conditional write, or one `TransactWriteItems`. */
export interface WriteGroup {
  readonly streams: readonly string[];
  readonly actions: readonly TransactWriteItem[];
  /** What the documents and checkpoint items are once the group's writes succeed. */
  readonly documents: ReadonlyMap<string, BaseDocument>;
  readonly checkpoints: ReadonlyMap<string, BaseCheckpoint>;
}

/**
 * Plans the writes of pending changes, with the fewest capacity units that keep every stream's
 * checkpoint atomic with the documents its events changed. Pure: sends nothing.
 *
 * - A stream whose events changed only its own document (`streamDocument`) gets one conditional
 *   `PutItem` of that document with its checkpoint inside: 1 WCU per KB, no transaction.
 * - Everything else (documents shared by streams, checkpoint items, dead letters) goes into one
 *   group, written as one `TransactWriteItems` (2 WCU per KB per item), or as a single
 *   conditional write when it is one item.
 * - Every document the batch read is conditioned on its revision (or absence): no lost update.
 *   One written blind is not conditioned (its value does not depend on the old one), except that
 *   it must not be another stream's own document.
 */
export function planCommit(input: CommitInput): WriteGroup[] {
  const own = ownKeys(input);
  const groups: WriteGroup[] = [];
  const shared: PendingStream[] = [];
  for (const stream of input.streams) {
    const key = own.get(stream.streamId);
    if (key !== undefined && isAlone(stream, key, input.streams)) {
      const write = streamDocumentWrite(input, stream, key);
      groups.push({
        streams: [stream.streamId],
        actions: [putDocument(input.tableName, input.ref, write, input.now)],
        documents: new Map([[key, after(write, sizeAfter(input, key))]]),
        checkpoints: new Map(),
      });
    } else shared.push(stream);
  }
  const documentsAfter = new Map<string, BaseDocument>();
  const checkpointsAfter = new Map<string, BaseCheckpoint>();
  const actions: TransactWriteItem[] = [];
  const sharedKeys = new Set(shared.flatMap((stream) => [...stream.keys]));
  const holders = new Map(
    shared.flatMap((stream) => {
      const key = own.get(stream.streamId);
      return key === undefined ? [] : [[key, stream] as const];
    }),
  );
  for (const key of sharedKeys) {
    if (holders.has(key)) continue;
    const written = documentWrite(input, key, own.size > 0);
    if (!written) continue;
    actions.push(written.action);
    documentsAfter.set(key, written.after);
  }
  for (const stream of shared) {
    const key = own.get(stream.streamId);
    if (key !== undefined) {
      const write = streamDocumentWrite(input, stream, key);
      actions.push(putDocument(input.tableName, input.ref, write, input.now));
      documentsAfter.set(key, after(write, sizeAfter(input, key)));
    } else {
      const rev = (input.checkpoints.get(stream.streamId)?.rev ?? 0) + 1;
      actions.push(
        putCheckpoint(input.tableName, input.ref, stream.streamId, stream.checkpoint, rev, input.now),
      );
      checkpointsAfter.set(stream.streamId, { state: stream.checkpoint, rev });
    }
    actions.push(...stream.extras);
  }
  if (actions.length > 0) {
    const streams = shared.map((stream) => stream.streamId);
    groups.push({ streams, actions, documents: documentsAfter, checkpoints: checkpointsAfter });
  }
  return groups;
}

function ownKeys(input: CommitInput): Map<string, string> {
  const { streamDocument } = input;
  if (!streamDocument) return new Map();
  return new Map(input.streams.map((stream) => [stream.streamId, streamDocument(stream.streamId)]));
}

/** Whether a stream's write can go alone: only its own document changed, by it alone, nothing else to write. */
function isAlone(stream: PendingStream, key: string, streams: readonly PendingStream[]): boolean {
  if (stream.extras.length > 0) return false;
  if ([...stream.keys].some((changed) => changed !== key)) return false;
  return !streams.some((other) => other !== stream && other.keys.has(key));
}

/** A stream's own document with its new checkpoint (its value changed, or as read). */
function streamDocumentWrite(input: CommitInput, stream: PendingStream, key: string): DocumentWrite {
  const base = input.documents.get(key) ?? ABSENT;
  const change = input.changes.get(key);
  const value = change === undefined ? base.value : (change?.value ?? undefined);
  return {
    key,
    value,
    rev: input.newRevision(),
    checkpoint: { streamId: stream.streamId, state: stream.checkpoint },
    condition: readCondition(base),
  };
}

/** A changed document that holds no checkpoint of a stream in this commit. */
function documentWrite(
  input: CommitInput,
  key: string,
  streamDocuments: boolean,
): { action: TransactWriteItem; after: BaseDocument } | undefined {
  const change = input.changes.get(key);
  if (change === undefined) return undefined;
  const base = input.documents.get(key);
  const condition: ItemCondition = base
    ? readCondition(base)
    : { kind: streamDocuments ? 'not-a-stream-document' : 'none' };
  if (change === null && base?.checkpoint === undefined) {
    // Read as absent: nothing to delete.
    if (base && !base.exists) return undefined;
    return { action: deleteDocument(input.tableName, input.ref, key, condition), after: ABSENT };
  }
  // Another stream's own document keeps that stream's checkpoint, even when deleted (a tombstone).
  const write: DocumentWrite = {
    key,
    value: change?.value,
    rev: input.newRevision(),
    ...(base?.checkpoint ? { checkpoint: base.checkpoint } : {}),
    condition,
  };
  return {
    action: putDocument(input.tableName, input.ref, write, input.now),
    after: after(write, sizeAfter(input, key)),
  };
}

const sizeAfter = (input: CommitInput, key: string): number | undefined =>
  input.changes.get(key)?.size ?? input.documents.get(key)?.size;

const readCondition = (base: BaseDocument): ItemCondition =>
  base.exists && base.rev !== undefined ? { kind: 'revision', rev: { S: base.rev } } : { kind: 'absent' };

const after = (write: DocumentWrite, size: number | undefined): BaseDocument => ({
  exists: true,
  ...(size === undefined ? {} : { size }),
  ...(write.value === undefined ? {} : { value: write.value }),
  rev: write.rev,
  ...(write.checkpoint ? { checkpoint: write.checkpoint } : {}),
});
