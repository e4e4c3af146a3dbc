import { randomBytes } from 'node:crypto';
import type { AttributeValue, WriteRequest } from '@aws-sdk/client-dynamodb';
import { type DeadLetter, deadLetterItem } from '../codec/dead-letter-codec.js';
import { documentItem } from '../codec/document-codec.js';
import type { DocumentChange, EventLayer } from '../engine/read-model-context.js';
import { documentKey, type ProjectionRef } from '../keys.js';
import { type CheckpointState, checkpointItem, INITIAL_CHECKPOINT } from '../storage/checkpoint.js';
import type { ReadModelTable } from '../storage/read-model-table.js';

/**
 * The read model being rebuilt, held in memory and written back in bulk. The rebuild is the only
 * writer of its version (live handlers only mark streams while it is `building`), so writes need
 * no conditions and `BatchWriteItem` does. Clean documents beyond `maxCachedDocuments` are
 * evicted after a flush and read back on demand.
 */
export class RebuildState {
  readonly #ref: ProjectionRef;
  readonly #table: ReadModelTable;
  readonly #maxCached: number;
  readonly #documents = new Map<string, AttributeValue | null>();
  readonly #dirty = new Map<string, DocumentChange>();
  readonly #evicted = new Set<string>();
  readonly #checkpoints = new Map<string, CheckpointState>();
  readonly #dirtyCheckpoints = new Set<string>();
  readonly #deadLetters: DeadLetter[] = [];
  documentsWritten = 0;

  constructor(ref: ProjectionRef, table: ReadModelTable, maxCachedDocuments: number) {
    this.#ref = ref;
    this.#table = table;
    this.#maxCached = maxCachedDocuments;
  }

  get pendingWrites(): number {
    return this.#dirty.size + this.#dirtyCheckpoints.size + this.#deadLetters.length;
  }

  get streams(): number {
    return this.#checkpoints.size;
  }

  checkpoint(streamId: string): CheckpointState {
    return this.#checkpoints.get(streamId) ?? INITIAL_CHECKPOINT;
  }

  /**
   * Moves a stream's checkpoint in memory; `write` says its item must be written (documents
   * changed, a dead letter, or far enough behind). `rev` stays the revision stored in the table.
   */
  setCheckpoint(streamId: string, next: Omit<CheckpointState, 'rev'>, write: boolean): void {
    this.#checkpoints.set(streamId, { ...next, rev: this.checkpoint(streamId).rev });
    if (write) this.#dirtyCheckpoints.add(streamId);
  }

  /** The current value of a document (memory first; an evicted one is read back). */
  async read(key: string): Promise<AttributeValue | undefined> {
    const cached = this.#documents.get(key);
    if (cached !== undefined) {
      // Re-inserting keeps the map in least-recently-used order for eviction.
      this.#documents.delete(key);
      this.#documents.set(key, cached);
      return cached ?? undefined;
    }
    if (!this.#evicted.has(key)) return undefined;
    const item = await this.#table.get(documentKey(this.#ref, key));
    this.#evicted.delete(key);
    this.#documents.set(key, item?.doc ?? null);
    return item?.doc;
  }

  merge(layer: EventLayer): void {
    for (const [key, change] of layer.changes) {
      this.#documents.delete(key);
      this.#documents.set(key, change?.value ?? null);
      this.#dirty.set(key, change);
    }
  }

  addDeadLetter(letter: DeadLetter): void {
    this.#deadLetters.push(letter);
  }

  /** Writes every pending change with `BatchWriteItem` (unprocessed items retried), then evicts. */
  async flush(now: string): Promise<void> {
    const requests: WriteRequest[] = [];
    for (const [key, change] of this.#dirty) {
      requests.push(
        change
          ? {
              PutRequest: {
                Item: documentItem(this.#ref, key, change, randomBytes(12).toString('base64url'), now),
              },
            }
          : { DeleteRequest: { Key: documentKey(this.#ref, key) } },
      );
    }
    for (const streamId of this.#dirtyCheckpoints) {
      const next = { ...this.checkpoint(streamId), rev: this.checkpoint(streamId).rev + 1 };
      this.#checkpoints.set(streamId, next);
      requests.push({ PutRequest: { Item: checkpointItem(this.#ref, streamId, next, now) } });
    }
    for (const letter of this.#deadLetters)
      requests.push({ PutRequest: { Item: deadLetterItem(this.#ref, letter) } });
    await this.#table.batchWrite(requests);
    this.documentsWritten += this.#dirty.size;
    this.#dirty.clear();
    this.#dirtyCheckpoints.clear();
    this.#deadLetters.length = 0;
    this.#evict();
  }

  #evict(): void {
    for (const key of this.#documents.keys()) {
      if (this.#documents.size <= this.#maxCached) return;
      if (this.#documents.get(key) !== null) this.#evicted.add(key);
      this.#documents.delete(key);
    }
  }
}
