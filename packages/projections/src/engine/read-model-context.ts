import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { decodeValue } from '@dynamo-es/event-store';
import { assertDocumentKey, type EncodedDocument, encodeDocument } from '../codec/document-codec.js';
import { ContextClosedError } from '../errors.js';
import type { ProjectionRef } from '../keys.js';
import type { ReadModelContext } from '../projection.js';

/** A document change: the new encoded document, or `null` for a deletion. */
export type DocumentChange = EncodedDocument | null;

/** The changes one event made, kept apart until the handler returns so a throw leaves no trace. */
export interface EventLayer {
  readonly changes: Map<string, DocumentChange>;
  /** Set when reading a document failed (DynamoDB, not the handler): the event must be retried. */
  readError?: unknown;
}

/** Reads a document's current encoded value (the unit of work's state under this layer). */
export type DocumentReader = (key: string) => Promise<AttributeValue | undefined>;

/**
 * Builds the `ctx` for one event over a fresh layer. `close()` makes later calls throw, so a
 * handler that forgets an `await` cannot write into the next event's layer. (Methods, not arrow
 * functions: this runs for every event, and bundlers that keep names wrap every arrow function.)
 */
export function createReadModelContext(
  ref: ProjectionRef,
  read: DocumentReader,
): { ctx: ReadModelContext; layer: EventLayer; close: () => void } {
  const layer: EventLayer = { changes: new Map() };
  const state = { closed: false };
  const ctx: ReadModelContext = {
    async get<T>(key: string): Promise<T | undefined> {
      open(state, 'get');
      assertDocumentKey(key);
      const value = await current(layer, read, key);
      // Decoding gives a fresh copy: a handler mutating what it got cannot touch the cached state.
      return value === undefined ? undefined : (decodeValue(value) as T);
    },
    put<T>(key: string, document: T): void {
      open(state, 'put');
      assertDocumentKey(key);
      layer.changes.set(key, encodeDocument(ref, key, document));
    },
    async update<T>(key: string, change: (document: T | undefined) => T | undefined) {
      const next = change(await ctx.get<T>(key));
      if (next === undefined) ctx.delete(key);
      else ctx.put(key, next);
      return next;
    },
    delete(key: string): void {
      open(state, 'delete');
      assertDocumentKey(key);
      layer.changes.set(key, null);
    },
    projection: { name: ref.name, version: ref.version },
  };
  return {
    ctx,
    layer,
    close() {
      state.closed = true;
    },
  };
}

function open(state: { readonly closed: boolean }, operation: string): void {
  if (state.closed) throw new ContextClosedError(operation);
}

async function current(
  layer: EventLayer,
  read: DocumentReader,
  key: string,
): Promise<AttributeValue | undefined> {
  const change = layer.changes.get(key);
  if (change !== undefined) return change?.value;
  try {
    return await read(key);
  } catch (error) {
    layer.readError ??= error;
    throw error;
  }
}
