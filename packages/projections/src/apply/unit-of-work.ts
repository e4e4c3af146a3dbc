import { randomBytes } from 'node:crypto';
import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { MAX_TRANSACTION_BYTES, MAX_TRANSACTION_ITEMS } from '@dynamo-es/event-store';
import { documentItem } from '../codec/document-codec.js';
import {
  createReadModelContext,
  type DocumentChange,
  type EventLayer,
} from '../engine/read-model-context.js';
import { checkpointKey, documentKey, type ItemKey, keyString, type ProjectionRef } from '../keys.js';
import type { ReadModelContext } from '../projection.js';
import {
  type CheckpointState,
  checkpointCondition,
  checkpointItem,
  checkpointSize,
  decodeCheckpoint,
  INITIAL_CHECKPOINT,
} from '../storage/checkpoint.js';
import { revisionCondition } from '../storage/condition.js';
import type { Item, ReadModelTable } from '../storage/read-model-table.js';

/** A document as last read or committed: `rev` undefined means it does not exist. */
interface BaseDocument {
  readonly value: AttributeValue | undefined;
  readonly rev: string | undefined;
}

interface PendingCheckpoint {
  readonly base: CheckpointState;
  next: CheckpointState;
}

// Budget for a dead letter (its error stack is capped at 4 KB).
const EXTRA_ITEM_BYTES = 8 * 1024;
// Room left in a transaction's 4 MB for request overhead (names, expressions).
const TRANSACTION_BYTE_BUDGET = MAX_TRANSACTION_BYTES - 64 * 1024;

/**
 * The state of one projection batch: documents and checkpoints as committed (read once, strongly
 * consistent, then kept up to date by our own commits) plus the changes of the transaction being
 * built. Many events changing one document make one write of it: that is the coalescing.
 */
export class UnitOfWork {
  readonly #ref: ProjectionRef;
  readonly #table: ReadModelTable;
  readonly #documents = new Map<string, BaseDocument>();
  readonly #checkpoints = new Map<string, CheckpointState>();
  readonly #changes = new Map<string, DocumentChange>();
  readonly #pendingCheckpoints = new Map<string, PendingCheckpoint>();
  readonly #extras: { action: TransactWriteItem; size: number }[] = [];

  constructor(ref: ProjectionRef, table: ReadModelTable) {
    this.#ref = ref;
    this.#table = table;
  }

  /** Reads the checkpoints of `streamIds` and the documents `documentIds` in one `BatchGetItem` round. */
  async load(streamIds: readonly string[], documentIds: readonly string[]): Promise<void> {
    const checkpointKeys = streamIds.map((id) => checkpointKey(this.#ref, id));
    const missingDocs = [...new Set(documentIds)].filter((id) => !this.#documents.has(id));
    const docKeys = missingDocs.map((id) => documentKey(this.#ref, id));
    const items = await this.#table.batchGet([...checkpointKeys, ...docKeys]);
    for (const [index, id] of streamIds.entries()) {
      this.#checkpoints.set(id, decodeCheckpoint(items.get(keyString(checkpointKeys[index] as ItemKey))));
    }
    for (const [index, id] of missingDocs.entries()) {
      this.#documents.set(id, baseDocument(items.get(keyString(docKeys[index] as ItemKey))));
    }
  }

  /** The checkpoint as committed (including this batch's own commits). */
  checkpoint(streamId: string): CheckpointState {
    return this.#checkpoints.get(streamId) ?? INITIAL_CHECKPOINT;
  }

  /**
   * Runs one event's handler over a fresh layer on top of the pending state. The layer is
   * returned, not merged: the caller merges it once it knows the transaction can take it. What
   * the handler threw is in `handlerError`; a failed document read in `readError`.
   */
  async runEvent(apply: (ctx: ReadModelContext) => Promise<void>): Promise<EventLayer> {
    const { ctx, layer, close } = createReadModelContext(this.#ref, (key) => this.#read(key));
    try {
      await apply(ctx);
    } catch (error) {
      layer.handlerError = { error };
    } finally {
      close();
    }
    return layer;
  }

  async #read(key: string): Promise<AttributeValue | undefined> {
    const change = this.#changes.get(key);
    if (change !== undefined) return change?.value;
    let base = this.#documents.get(key);
    if (!base) {
      base = baseDocument(await this.#table.get(documentKey(this.#ref, key)));
      this.#documents.set(key, base);
    }
    return base.value;
  }

  /** Whether the pending transaction can also take `layer`, a checkpoint of `streamId` and `extraItems` more. */
  fits(layer: EventLayer | undefined, streamId: string, extraItems = 0): boolean {
    const size = this.size(layer, streamId);
    size.items += extraItems;
    size.bytes += extraItems * EXTRA_ITEM_BYTES;
    return size.items <= MAX_TRANSACTION_ITEMS && size.bytes <= TRANSACTION_BYTE_BUDGET;
  }

  /** Items and bytes of the pending transaction if `layer` and `streamId`'s checkpoint joined it. */
  size(layer: EventLayer | undefined, streamId: string): { items: number; bytes: number } {
    let items = this.#changes.size + this.#pendingCheckpoints.size + this.#extras.length;
    let bytes = 0;
    for (const change of this.#changes.values()) bytes += change?.size ?? 100;
    for (const extra of this.#extras) bytes += extra.size;
    for (const [id, pending] of this.#pendingCheckpoints) bytes += checkpointSize(id, pending.next);
    for (const [key, change] of layer?.changes ?? []) {
      if (!this.#changes.has(key)) items++;
      bytes += (change?.size ?? 100) - (this.#changes.get(key)?.size ?? 0);
    }
    if (!this.#pendingCheckpoints.has(streamId)) {
      items++;
      bytes += checkpointSize(streamId, INITIAL_CHECKPOINT) + 1_000;
    }
    return { items, bytes };
  }

  hasPendingWrites(): boolean {
    return this.#changes.size + this.#pendingCheckpoints.size + this.#extras.length > 0;
  }

  /** Adds an event's changes to the pending transaction. */
  merge(layer: EventLayer): void {
    for (const [key, change] of layer.changes) this.#changes.set(key, change);
  }

  /** Sets the checkpoint `streamId` will have when the pending transaction commits. */
  setCheckpoint(streamId: string, next: Omit<CheckpointState, 'rev'>): void {
    const pending = this.#pendingCheckpoints.get(streamId);
    const base = pending?.base ?? this.checkpoint(streamId);
    const value = { ...next, rev: base.rev + 1 };
    if (pending) pending.next = value;
    else this.#pendingCheckpoints.set(streamId, { base, next: value });
  }

  /** The checkpoint as it will be after the pending transaction (or as committed). */
  currentCheckpoint(streamId: string): CheckpointState {
    return this.#pendingCheckpoints.get(streamId)?.next ?? this.checkpoint(streamId);
  }

  hasPendingCheckpoint(streamId: string): boolean {
    return this.#pendingCheckpoints.has(streamId);
  }

  /** Adds another write to the pending transaction (a dead letter, a dead letter's resolution). */
  addAction(action: TransactWriteItem, size: number): void {
    this.#extras.push({ action, size });
  }

  /**
   * Commits the pending transaction. Every document write is conditioned on the revision we read
   * and every checkpoint on its revision, so if another invocation changed any of them in the
   * meantime nothing is written and the result is `false`: the caller re-reads and retries.
   */
  async commit(now: string): Promise<boolean> {
    const { actions, revisions } = this.#buildActions(now);
    const outcome = await this.#table.transactWrite(actions);
    if (outcome.kind === 'conflict') return false;
    for (const [key, change] of this.#changes) {
      this.#documents.set(key, change ? { value: change.value, rev: revisions.get(key) } : ABSENT);
    }
    for (const [id, pending] of this.#pendingCheckpoints) this.#checkpoints.set(id, pending.next);
    this.#clearPending();
    return true;
  }

  /** Forgets pending changes and cached state after a conflict; the next round reads again. */
  reset(): void {
    this.#clearPending();
    this.#documents.clear();
    this.#checkpoints.clear();
  }

  #clearPending(): void {
    this.#changes.clear();
    this.#pendingCheckpoints.clear();
    this.#extras.length = 0;
  }

  #buildActions(now: string): { actions: TransactWriteItem[]; revisions: Map<string, string> } {
    const TableName = this.#table.tableName;
    const actions: TransactWriteItem[] = [];
    const revisions = new Map<string, string>();
    for (const [key, change] of this.#changes) {
      const base = this.#documents.get(key);
      // A document the batch read is written only if it is still the revision read (or still
      // absent): no lost update. A document written blind (put or delete without a read) does
      // not depend on its old value, so it needs no condition; the checkpoints keep it once-only.
      const condition = base && revisionCondition(base.rev === undefined ? undefined : { S: base.rev });
      if (change) {
        const rev = newRevision();
        revisions.set(key, rev);
        actions.push({
          Put: { TableName, Item: documentItem(this.#ref, key, change, rev, now), ...condition },
        });
      } else if (base?.rev !== undefined || !base) {
        actions.push({ Delete: { TableName, Key: documentKey(this.#ref, key), ...condition } });
      }
    }
    for (const [id, { base, next }] of this.#pendingCheckpoints) {
      const Item = checkpointItem(this.#ref, id, next, now);
      actions.push({ Put: { TableName, Item, ...checkpointCondition(base.rev) } });
    }
    for (const extra of this.#extras) actions.push(extra.action);
    return { actions, revisions };
  }
}

const ABSENT: BaseDocument = { value: undefined, rev: undefined };

function baseDocument(item: Item | undefined): BaseDocument {
  return item ? { value: item.doc, rev: item.rev?.S } : ABSENT;
}

// A random revision, not a counter: a document deleted and re-created by other invocations
// between our read and our write can never match the revision we read (no ABA).
const newRevision = (): string => randomBytes(12).toString('base64url');
