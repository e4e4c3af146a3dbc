import { randomBytes } from 'node:crypto';
import type { AttributeValue, WriteRequest } from '@aws-sdk/client-dynamodb';
import { checkpointAttributes, decodeCheckpoint } from '../codec/checkpoint-codec.js';
import { deadLetterItem } from '../codec/dead-letter-codec.js';
import type { DocumentState, StreamStep, WriteBudget } from '../engine/apply-stream.js';
import { type CheckpointState, INITIAL_CHECKPOINT } from '../engine/checkpoint.js';
import type { DocumentChange } from '../engine/read-model-context.js';
import { InvalidProjectionError } from '../errors.js';
import {
  checkpointKey,
  documentKey,
  documentKeyPrefix,
  type ItemKey,
  ItemPrefix,
  keyString,
} from '../keys.js';
import type { Projection } from '../projection.js';
import { BatchLoader } from '../table/batch-loader.js';
import type { Item, ReadModelTable } from '../table/read-model-table.js';
import { type JournalEntry, writeJournal } from './journal.js';

const UNLIMITED: WriteBudget = { items: 0, bytes: 0, fits: true };

const keyOf = (item: Item): ItemKey => ({ pk: item.pk as AttributeValue, sk: item.sk as AttributeValue });

/** How a {@link BulkState} starts and what it may write. */
export interface BulkStateOptions {
  /** Documents kept in memory; more are evicted after a flush and read back when needed. */
  readonly maxCachedDocuments: number;
  /**
   * The version holds nothing yet for these streams and documents (a new rebuild): a document or
   * checkpoint not in memory does not exist, no read needed. False on resume: read them back.
   */
  readonly fresh: boolean;
  /** A rebuild split over processes: handlers may only write each stream's own document. */
  readonly ownDocumentsOnly: boolean;
}

interface Tracked {
  readonly state: CheckpointState;
  /** Revision of the checkpoint item as written (0: none); own documents get a new random one. */
  readonly rev: number;
}

/**
 * The bulk backend of the apply engine (rebuilds): the read model held in memory and written back
 * with `BatchWriteItem` (unprocessed items retried, never dropped). While a rebuild owns its
 * version, live handlers only mark streams, so nobody else writes it and no condition is needed;
 * each document is written once per flush, however many events changed it.
 */
export class BulkState {
  readonly #table: ReadModelTable;
  readonly #projection: Projection;
  readonly #options: BulkStateOptions;
  readonly #loader: BatchLoader;
  /** Documents in memory, least recently used first; `null`: known not to exist. */
  readonly #documents = new Map<string, AttributeValue | null>();
  readonly #dirty = new Map<string, DocumentChange>();
  readonly #checkpoints = new Map<string, Tracked>();
  /** With `streamDocument`: the stream whose own document each key is. */
  readonly #ownerOf = new Map<string, string>();
  readonly #evicted = new Set<string>();
  /** Items this run wrote: on a fresh version, every other item is known not to exist. */
  readonly #flushed = new Set<string>();
  readonly #dirtyCheckpoints = new Set<string>();
  #deadLetters: Item[] = [];
  documentsWritten = 0;

  constructor(table: ReadModelTable, projection: Projection, options: BulkStateOptions) {
    this.#table = table;
    this.#projection = projection;
    this.#options = options;
    this.#loader = new BatchLoader((keys) => table.batchGet(keys));
  }

  get pendingWrites(): number {
    return this.#dirty.size + this.#dirtyCheckpoints.size + this.#deadLetters.length;
  }

  /** Streams seen (with a checkpoint in memory). */
  get streams(): number {
    return this.#checkpoints.size;
  }

  /**
   * Makes the checkpoints of `streamIds` (and, with `streamDocument`, their own documents, which
   * hold them) present in memory before their events are applied: nothing to read for a fresh
   * version, else one `BatchGetItem` round of what is not in memory.
   */
  async prepare(streamIds: readonly string[]): Promise<void> {
    const own = this.#projection.streamDocument;
    const ids = [...new Set(streamIds)];
    const unseen = ids.filter((id) => !this.#checkpoints.has(id));
    const reads = own ? this.#ownDocumentReads(ids, unseen, own) : this.#checkpointReads(unseen);
    const items = reads.size > 0 ? await this.#table.batchGet([...reads.values()]) : new Map<string, Item>();
    const found = (key: string) => {
      const itemKey = reads.get(key);
      return itemKey === undefined ? undefined : items.get(keyString(itemKey));
    };
    for (const id of unseen) {
      const item = found(own ? own(id) : id);
      const decoded = decodeCheckpoint(own ? 'embedded' : 'item', item);
      this.#checkpoints.set(id, {
        state: decoded?.state ?? INITIAL_CHECKPOINT,
        rev: Number(item?.rev?.N ?? 0),
      });
    }
    if (!own) return;
    for (const key of reads.keys()) {
      this.#evicted.delete(key);
      this.#documents.set(key, found(key)?.doc ?? null);
    }
  }

  /** Own documents to read: of streams not seen yet (unless fresh), and evicted ones (their checkpoint goes with them). */
  #ownDocumentReads(ids: readonly string[], unseen: readonly string[], own: (streamId: string) => string) {
    const reads = new Map<string, ItemKey>();
    for (const id of unseen) this.#ownerOf.set(own(id), id);
    for (const id of ids) {
      const key = own(id);
      const needed = this.#evicted.has(key) || (!this.#options.fresh && unseen.includes(id));
      if (needed) reads.set(key, documentKey(this.#projection, key));
    }
    return reads;
  }

  #checkpointReads(unseen: readonly string[]) {
    if (this.#options.fresh) return new Map<string, ItemKey>();
    return new Map(unseen.map((id) => [id, checkpointKey(this.#projection, id)]));
  }

  checkpoint(streamId: string): CheckpointState {
    return this.#checkpoints.get(streamId)?.state ?? INITIAL_CHECKPOINT;
  }

  /** The state as `applyStream` sees it: no write limit (nothing is a transaction). */
  view(): DocumentState {
    return this.#view;
  }

  readonly #view: DocumentState = {
    read: this.#read.bind(this),
    unbounded: true,
    budget() {
      return UNLIMITED;
    },
  };

  async #read(key: string): Promise<AttributeValue | undefined> {
    const cached = this.#documents.get(key);
    if (cached !== undefined) {
      // Re-inserting keeps the map in least-recently-used order for eviction.
      this.#documents.delete(key);
      this.#documents.set(key, cached);
      return cached ?? undefined;
    }
    if (this.#options.fresh && !this.#evicted.has(key)) return undefined;
    const item = await this.#loader.load(documentKey(this.#projection, key));
    this.#evicted.delete(key);
    this.#documents.set(key, item?.doc ?? null);
    return item?.doc;
  }

  /** Takes a step's changes, checkpoint and dead letters into memory (written at the next flush). */
  merge(step: StreamStep): void {
    const own = this.#projection.streamDocument?.(step.streamId);
    for (const [key, change] of step.changes) {
      if (this.#options.ownDocumentsOnly && key !== own) {
        throw new InvalidProjectionError(
          'only',
          `a rebuild split over processes can only write each stream's own document (streamDocument); ` +
            `an event of "${step.streamId}" wrote "${key}"`,
        );
      }
      this.#documents.delete(key);
      this.#documents.set(key, change?.value ?? null);
      this.#dirty.set(key, change);
    }
    if (step.checkpoint !== undefined) {
      const rev = this.#checkpoints.get(step.streamId)?.rev ?? 0;
      this.#checkpoints.set(step.streamId, { state: step.checkpoint, rev });
      this.#dirtyCheckpoints.add(step.streamId);
    }
    for (const { letter } of step.deadLetters)
      this.#deadLetters.push(deadLetterItem(this.#projection, letter));
  }

  /** The writes of everything pending, then forgets it as pending (see {@link flush}). */
  takeWrites(now: string): WriteRequest[] {
    const requests: WriteRequest[] = [];
    const own = this.#projection.streamDocument;
    // An own document changed keeps its stream's checkpoint, written or not.
    if (own)
      for (const key of this.#dirty.keys()) {
        const holder = this.#ownerOf.get(key);
        if (holder !== undefined) this.#dirtyCheckpoints.add(holder);
      }
    for (const [key, change] of this.#dirty) {
      if (this.#ownerOf.has(key)) continue;
      requests.push(
        change
          ? { PutRequest: { Item: this.#documentItem(key, change.value, undefined, now) } }
          : { DeleteRequest: { Key: documentKey(this.#projection, key) } },
      );
    }
    for (const id of this.#dirtyCheckpoints) {
      const tracked = this.#checkpoints.get(id) as Tracked;
      if (own) {
        const key = own(id);
        const value = this.#dirty.has(key) ? this.#dirty.get(key)?.value : this.#documents.get(key);
        requests.push({
          PutRequest: { Item: this.#documentItem(key, value ?? undefined, { id, tracked }, now) },
        });
      } else {
        const rev = tracked.rev + 1;
        this.#checkpoints.set(id, { state: tracked.state, rev });
        const Item = {
          ...checkpointKey(this.#projection, id),
          ...checkpointAttributes('item', id, tracked.state),
          rev: { N: String(rev) },
          at: { S: now },
        };
        requests.push({ PutRequest: { Item } });
      }
    }
    for (const Item of this.#deadLetters) requests.push({ PutRequest: { Item } });
    this.documentsWritten += this.#dirty.size;
    this.#dirty.clear();
    this.#dirtyCheckpoints.clear();
    this.#deadLetters = [];
    return requests;
  }

  #documentItem(
    key: string,
    value: AttributeValue | undefined,
    checkpoint: { id: string; tracked: Tracked } | undefined,
    now: string,
  ): Item {
    return {
      ...documentKey(this.#projection, key),
      ...(value === undefined ? {} : { doc: value }),
      rev: { S: randomBytes(12).toString('base64url') },
      at: { S: now },
      ...(checkpoint ? checkpointAttributes('embedded', checkpoint.id, checkpoint.tracked.state) : {}),
    };
  }

  /**
   * Writes every pending change with `BatchWriteItem`, then evicts beyond the memory bound. With
   * `journal`, it first records what each of those items was (read back unless known absent), so
   * that a crash during the flush can be undone (see `restoreJournal`); the entries are returned, to
   * be dropped once the positions the flush covers are saved.
   */
  async flush(
    now: string,
    journal?: { readonly runId: string; readonly generation: number },
  ): Promise<JournalEntry[]> {
    const requests = this.takeWrites(now);
    const keys = requests.map(
      (request): ItemKey =>
        request.PutRequest ? keyOf(request.PutRequest.Item ?? {}) : (request.DeleteRequest?.Key ?? {}),
    );
    let entries: JournalEntry[] = [];
    if (journal && keys.some((key) => this.#needsJournal(key))) {
      const unknown = keys.filter((key) => !this.#options.fresh || this.#flushed.has(keyString(key)));
      const before = unknown.length > 0 ? await this.#table.batchGet(unknown) : new Map<string, Item>();
      entries = keys.map((key) => ({ key, before: before.get(keyString(key)) }));
      await writeJournal(this.#table, this.#projection, journal.runId, journal.generation, entries);
    }
    await this.#table.batchWrite(requests);
    for (const key of keys) this.#flushed.add(keyString(key));
    this.evict();
    return entries;
  }

  /**
   * Whether a half-written flush holding this item must be undone before a resume. Not for a
   * stream's own document (it holds its checkpoint: a resume skips the events it has) nor a dead
   * letter (written again, the same, when its event fails again); a flush of only those needs no
   * journal. Any other item (a shared document, a checkpoint item) does.
   */
  #needsJournal(key: ItemKey): boolean {
    const pk = key.pk?.S ?? '';
    if (key.sk?.S === 'doc') return !this.#ownerOf.has(pk.slice(documentKeyPrefix(this.#projection).length));
    return !pk.startsWith(`${ItemPrefix.DeadLetter}#`);
  }

  /** Forgets the least recently used documents beyond `maxCachedDocuments` (they are written). */
  evict(): void {
    for (const key of this.#documents.keys()) {
      if (this.#documents.size <= this.#options.maxCachedDocuments) return;
      if (this.#dirty.has(key)) continue;
      if (this.#documents.get(key) !== null) this.#evicted.add(key);
      this.#documents.delete(key);
    }
  }
}
