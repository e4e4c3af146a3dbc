import { randomBytes } from 'node:crypto';
import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { itemBytes, MAX_TRANSACTION_BYTES, MAX_TRANSACTION_ITEMS } from '@dynamo-es/event-store';
import { checkpointBytes, decodeCheckpoint } from '../codec/checkpoint-codec.js';
import type { DocumentState, StreamStep, WriteBudget } from '../engine/apply-stream.js';
import { type CheckpointState, INITIAL_CHECKPOINT } from '../engine/checkpoint.js';
import type { DocumentChange } from '../engine/read-model-context.js';
import { checkpointKey, documentKey, type ItemKey, keyString } from '../keys.js';
import type { Projection } from '../projection.js';
import { BatchLoader } from '../table/batch-loader.js';
import type { Item, ReadModelTable } from '../table/read-model-table.js';
import {
  ABSENT,
  type BaseCheckpoint,
  type BaseDocument,
  type PendingStream,
  planCommit,
  type WriteGroup,
} from './commit-plan.js';

// Budget for an extra item (a dead letter: its stack is capped at 4 KB; a resolution).
const EXTRA_ITEM_BYTES = 8 * 1024;
// Room left in a transaction's 4 MB for request overhead (names, expressions).
const TRANSACTION_BYTE_BUDGET = MAX_TRANSACTION_BYTES - 64 * 1024;
const DELETE_BYTES = 100;

/** A view of the state for one run of `applyStream`: it records what it read, to detect stale reads. */
export interface StateView extends DocumentState {
  /** False once a document it read was changed by a stream merged since. */
  valid(): boolean;
}

/** What a commit did, by stream: written, lost a condition race, or failed (an unexpected error). */
export interface CommitResult {
  /** Write requests that succeeded. */
  readonly writes: number;
  readonly committed: readonly string[];
  readonly conflicted: readonly string[];
  readonly failed?: { readonly streams: readonly string[]; readonly error: unknown };
}

/**
 * The transactional backend of the apply engine (live delivery, catch-up, replay): documents and
 * checkpoints as read (strongly consistent, then kept up to date by our own commits) and the
 * changes waiting to be written. Steps of concurrently applied streams run over views; merging
 * them is serialisable: a step that read a document a stream merged before it changed is run
 * again on the merged state. Writes are planned by {@link planCommit}.
 */
export class TransactionalState {
  readonly #table: ReadModelTable;
  readonly #projection: Projection;
  readonly #loader: BatchLoader;
  readonly #documents = new Map<string, BaseDocument>();
  readonly #checkpoints = new Map<string, BaseCheckpoint>();
  /** Each document's change count in this state: what views compare against. */
  readonly #changeCounts = new Map<string, number>();
  readonly #changes = new Map<string, DocumentChange>();
  readonly #pending = new Map<string, PendingStream>();

  constructor(table: ReadModelTable, projection: Projection) {
    this.#table = table;
    this.#projection = projection;
    this.#loader = new BatchLoader((keys) => table.batchGet(keys));
  }

  get #streamDocument(): ((streamId: string) => string) | undefined {
    return this.#projection.streamDocument;
  }

  /** Reads the checkpoints of `streamIds` and the documents `keys` in one `BatchGetItem` round. */
  async load(streamIds: readonly string[], keys: readonly string[]): Promise<void> {
    const own = this.#streamDocument;
    const documents = [...new Set([...keys, ...(own ? streamIds.map(own) : [])])].filter(
      (key) => !this.#documents.has(key),
    );
    const checkpointItems = own ? [] : streamIds.filter((id) => !this.#checkpoints.has(id));
    const itemKeys: ItemKey[] = [
      ...documents.map((key) => documentKey(this.#projection, key)),
      ...checkpointItems.map((id) => checkpointKey(this.#projection, id)),
    ];
    const items = await this.#table.batchGet(itemKeys);
    for (const key of documents) {
      this.#documents.set(key, baseDocument(items.get(keyString(documentKey(this.#projection, key)))));
    }
    for (const id of checkpointItems) {
      this.#checkpoints.set(id, baseCheckpoint(items.get(keyString(checkpointKey(this.#projection, id)))));
    }
  }

  /** The stream's checkpoint as written (loaded first with {@link load}). */
  checkpoint(streamId: string): CheckpointState {
    const own = this.#streamDocument;
    if (!own) return this.#checkpoints.get(streamId)?.state ?? INITIAL_CHECKPOINT;
    const base = this.#documents.get(own(streamId));
    return base?.checkpoint?.streamId === streamId ? base.checkpoint.state : INITIAL_CHECKPOINT;
  }

  /** A fresh view for one run of `applyStream`. */
  view(): StateView {
    const seen = new Map<string, number>();
    return {
      read: async (key) => {
        if (!seen.has(key)) seen.set(key, this.#changeCounts.get(key) ?? 0);
        return this.#read(key);
      },
      budget: (streamId, changes, extraItems) => this.#alone(streamId, changes, extraItems),
      valid: () => [...seen].every(([key, count]) => (this.#changeCounts.get(key) ?? 0) === count),
    };
  }

  async #read(key: string): Promise<AttributeValue | undefined> {
    const change = this.#changes.get(key);
    if (change !== undefined) return change?.value;
    let base = this.#documents.get(key);
    if (!base) {
      base = baseDocument(await this.#loader.load(documentKey(this.#projection, key)));
      // A concurrent read of the same key may have landed first; keep one.
      base = this.#documents.get(key) ?? base;
      this.#documents.set(key, base);
    }
    return base.value;
  }

  /** The budget of one write holding only this stream's changes. */
  #alone(streamId: string, changes: ReadonlyMap<string, DocumentChange>, extraItems: number): WriteBudget {
    const own = this.#streamDocument?.(streamId);
    if (own !== undefined && extraItems === 0 && [...changes.keys()].every((key) => key === own)) {
      // One item, whose size `encodeDocument` checked with room for the checkpoint.
      return { items: 1, bytes: sizeOf(changes.get(own)), fits: true };
    }
    return this.#transaction([this.#asPending(streamId, changes, extraItems)], changes);
  }

  /** Whether the pending writes can also take `step` (else commit first). */
  fits(step: StreamStep, extras: readonly TransactWriteItem[]): boolean {
    const stream = {
      ...this.#asPending(step.streamId, step.changes, step.deadLetters.length + extras.length),
      checkpoint: step.checkpoint ?? INITIAL_CHECKPOINT,
    };
    const changes = new Map([...this.#changes, ...step.changes]);
    const streams = [...[...this.#pending.values()].filter((p) => p.streamId !== step.streamId), stream];
    return this.#transaction(this.#grouped(streams), changes).fits;
  }

  hasPendingWrites(): boolean {
    return this.#pending.size > 0;
  }

  /** Adds a step's writes (and `extras`, e.g. a dead letter's resolution) to the pending writes. */
  merge(
    step: StreamStep,
    extras: readonly TransactWriteItem[],
    deadLetterWrites: readonly TransactWriteItem[],
  ): void {
    for (const [key, change] of step.changes) {
      this.#changes.set(key, change);
      this.#changeCounts.set(key, (this.#changeCounts.get(key) ?? 0) + 1);
    }
    if (step.checkpoint === undefined) return;
    const earlier = this.#pending.get(step.streamId);
    this.#pending.set(step.streamId, {
      streamId: step.streamId,
      checkpoint: step.checkpoint,
      keys: new Set([...(earlier?.keys ?? []), ...step.changes.keys()]),
      extras: [...(earlier?.extras ?? []), ...deadLetterWrites, ...extras],
    });
  }

  /**
   * Writes the pending changes (see {@link planCommit}); every write is conditioned on what was
   * read, so a stream whose items another invocation changed in the meantime writes nothing and
   * is reported `conflicted`: it must be read and applied again.
   */
  async commit(now: string): Promise<CommitResult> {
    const groups = planCommit({
      tableName: this.#table.tableName,
      ref: this.#projection,
      now,
      streamDocument: this.#streamDocument,
      changes: this.#changes,
      documents: this.#documents,
      checkpoints: this.#checkpoints,
      streams: [...this.#pending.values()],
      newRevision,
    });
    const outcomes = await Promise.allSettled(groups.map((group) => this.#table.write(group.actions)));
    const committed: string[] = [];
    const conflicted: string[] = [];
    const failed: string[] = [];
    let writes = 0;
    let error: unknown;
    groups.forEach((group, index) => {
      const outcome = outcomes[index] as PromiseSettledResult<string>;
      if (outcome.status === 'rejected') {
        error ??= outcome.reason;
        failed.push(...group.streams);
      } else if (outcome.value === 'conflict') conflicted.push(...group.streams);
      else {
        this.#settle(group);
        writes++;
        committed.push(...group.streams);
      }
    });
    this.#changes.clear();
    this.#pending.clear();
    return {
      writes,
      committed,
      conflicted,
      ...(failed.length > 0 ? { failed: { streams: failed, error } } : {}),
    };
  }

  #settle(group: WriteGroup): void {
    for (const [key, document] of group.documents) this.#documents.set(key, document);
    for (const [id, checkpoint] of group.checkpoints) this.#checkpoints.set(id, checkpoint);
  }

  #asPending(
    streamId: string,
    changes: ReadonlyMap<string, DocumentChange>,
    extraItems: number,
  ): PendingStream {
    const extras = Array.from({ length: extraItems }, (): TransactWriteItem => ({}));
    const earlier = this.#pending.get(streamId);
    return {
      streamId,
      checkpoint: INITIAL_CHECKPOINT,
      keys: new Set([...(earlier?.keys ?? []), ...changes.keys()]),
      extras: [...(earlier?.extras ?? []), ...extras],
    };
  }

  /** The streams of `streams` that go into the transaction (not alone with their own document). */
  #grouped(streams: readonly PendingStream[]): PendingStream[] {
    const own = this.#streamDocument;
    if (!own) return [...streams];
    return streams.filter((stream) => {
      const key = own(stream.streamId);
      const alone =
        stream.extras.length === 0 &&
        [...stream.keys].every((changed) => changed === key) &&
        !streams.some((other) => other !== stream && other.keys.has(key));
      return !alone;
    });
  }

  /** Items and bytes of one transaction holding `streams` (their documents, checkpoints, extras). */
  #transaction(streams: readonly PendingStream[], changes: ReadonlyMap<string, DocumentChange>): WriteBudget {
    const own = this.#streamDocument;
    const keys = new Set(streams.flatMap((stream) => [...stream.keys]));
    let items = 0;
    let bytes = 0;
    for (const stream of streams) {
      const holder = own?.(stream.streamId);
      if (holder !== undefined) keys.add(holder);
      else items++;
      bytes += checkpointBytes(stream.streamId, stream.checkpoint) + (holder === undefined ? 200 : 0);
      items += stream.extras.length;
      bytes += stream.extras.length * EXTRA_ITEM_BYTES;
    }
    for (const key of keys) {
      items++;
      bytes += changes.has(key) ? sizeOf(changes.get(key)) : (this.#documents.get(key)?.size ?? DELETE_BYTES);
    }
    return { items, bytes, fits: items <= MAX_TRANSACTION_ITEMS && bytes <= TRANSACTION_BYTE_BUDGET };
  }
}

const sizeOf = (change: DocumentChange | undefined): number => change?.size ?? DELETE_BYTES;

function baseDocument(item: Item | undefined): BaseDocument {
  if (!item) return ABSENT;
  const checkpoint = decodeCheckpoint('embedded', item);
  return {
    exists: true,
    size: itemBytes(item),
    ...(item.doc === undefined ? {} : { value: item.doc }),
    ...(item.rev?.S === undefined ? {} : { rev: item.rev.S }),
    ...(checkpoint ? { checkpoint } : {}),
  };
}

function baseCheckpoint(item: Item | undefined): BaseCheckpoint {
  const decoded = decodeCheckpoint('item', item);
  return { state: decoded?.state ?? INITIAL_CHECKPOINT, rev: Number(item?.rev?.N ?? 0) };
}

// A random revision, not a counter: a document deleted and re-created by other invocations
// between our read and our write can never match the revision we read (no ABA).
const newRevision = (): string => randomBytes(12).toString('base64url');
