import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { encodeValue, isUnsupportedValueError, MAX_ITEM_BYTES } from '@dynamo-es/event-store';
import { DocumentTooLargeError, InvalidDocumentError } from '../errors.js';
import { documentKey, type ItemKey, type ProjectionRef } from '../keys.js';

/** A document encoded for DynamoDB, with the size its item will have (an upper bound). */
export interface EncodedDocument {
  readonly value: AttributeValue;
  readonly size: number;
}

/** DynamoDB's limit on a partition key value: 2048 bytes; the prefix needs some of it. */
const MAX_DOCUMENT_KEY_BYTES = 1024;
// Attribute names and fixed-size values of a document item: pk, sk ("doc"), doc, rev (16), at (24).
const ITEM_OVERHEAD = 2 + 2 + 3 + 3 + 3 + 16 + 2 + 24;
/**
 * Room kept in every document item for a checkpoint (a stream's own document holds its stream's:
 * names, a stream id of up to 1 KB, a last error of up to 1,000 characters).
 */
export const CHECKPOINT_RESERVE_BYTES = 6 * 1024;
/** The largest document item: DynamoDB's 400 KB less the room for a checkpoint. */
export const MAX_DOCUMENT_ITEM_BYTES = MAX_ITEM_BYTES - CHECKPOINT_RESERVE_BYTES;

/** Throws unless `key` can name a document. */
export function assertDocumentKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidDocumentError(String(key), 'a document key must be a non-empty string');
  }
  if (!key.isWellFormed() || Buffer.byteLength(key, 'utf8') > MAX_DOCUMENT_KEY_BYTES) {
    throw new InvalidDocumentError(
      key,
      `a document key must be valid UTF-8 of at most ${MAX_DOCUMENT_KEY_BYTES} bytes`,
    );
  }
}

/**
 * Encodes a document with the event store's value codec (exact round trip or an error), and
 * checks that its item stays under 400 KB with room for a checkpoint ({@link MAX_DOCUMENT_ITEM_BYTES}).
 */
export function encodeDocument(ref: ProjectionRef, key: string, document: unknown): EncodedDocument {
  if (document === undefined)
    throw new InvalidDocumentError(key, 'undefined is not a document; use ctx.delete()');
  let encoded: { value: AttributeValue; size: number };
  try {
    encoded = encodeValue(document, 'document');
  } catch (error) {
    if (isUnsupportedValueError(error)) throw new InvalidDocumentError(key, error.message, { cause: error });
    throw error;
  }
  const pk = documentKey(ref, key).pk?.S ?? '';
  const size = ITEM_OVERHEAD + Buffer.byteLength(pk, 'utf8') + encoded.size;
  if (size > MAX_DOCUMENT_ITEM_BYTES)
    throw new DocumentTooLargeError({ key, sizeBytes: size, limitBytes: MAX_DOCUMENT_ITEM_BYTES });
  return { value: encoded.value, size };
}

/** The item of a document at a new revision. */
export function documentItem(
  ref: ProjectionRef,
  key: string,
  document: EncodedDocument,
  rev: string,
  now: string,
): Record<string, AttributeValue> {
  return { ...documentKey(ref, key), doc: document.value, rev: { S: rev }, at: { S: now } };
}

/** The document key of a document item (its `pk` without the prefix). */
export function documentIdOf(item: Record<string, AttributeValue>, prefix: string): string {
  return (item.pk?.S ?? '').slice(prefix.length);
}

export type { ItemKey };
