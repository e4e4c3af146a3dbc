import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { compressBody, decompressBody, MAX_BODY_BYTES } from './compression.js';

/**
 * Attribute names of an item's body. The name is the format marker: `b` holds format 1 as JSON
 * text, `z` the same text compressed (its first byte names the algorithm). A later format takes
 * new names, so items of both can be read side by side in one table.
 */
export const BodyAttribute = { Text: 'b', Compressed: 'z' } as const;

/**
 * Default of the `compressAbove` options: bodies of items over 1 KB are compressed.
 *
 * Why 1 KB: a write bills 1 WCU per started KB, so an item of 1 KB or less costs 1 WCU whatever
 * its body; above that, compressing typical JSON halves the item (1-2 KB measured 2.0-2.6x) and
 * saves at least one WCU per write and half the RCU per read, for about 30 us to compress and
 * 15 us to inflate: noise next to a request. Compressed bodies are not readable in the console,
 * which is why small ones stay text.
 */
export const DEFAULT_COMPRESS_ABOVE = 1024;

/** A body ready to store: its attribute and the bytes DynamoDB bills for it, name included. */
export interface EncodedBody {
  readonly name: (typeof BodyAttribute)[keyof typeof BodyAttribute];
  readonly value: AttributeValue;
  readonly size: number;
  /** The UTF-8 length of the JSON text, before any compression. */
  readonly textBytes: number;
}

/**
 * Stores JSON text as it is, or compressed when the item would exceed `compressAbove` bytes
 * (`false`: never) and compression makes it smaller. `otherBytes` are the bytes of the item's
 * other attributes.
 *
 * @throws RangeError when the text is over {@link MAX_BODY_BYTES}; callers report it as too large.
 */
export function encodeBody(text: string, otherBytes: number, compressAbove: number | false): EncodedBody {
  const utf8 = Buffer.from(text, 'utf8');
  if (utf8.byteLength > MAX_BODY_BYTES) {
    throw new RangeError(
      `the body is ${utf8.byteLength} bytes of JSON; at most ${MAX_BODY_BYTES} are stored`,
    );
  }
  const plain = {
    name: BodyAttribute.Text,
    value: { S: text },
    size: 1 + utf8.byteLength,
    textBytes: utf8.byteLength,
  };
  if (compressAbove === false || otherBytes + plain.size <= compressAbove) return plain;
  const compressed = compressBody(utf8);
  if (compressed.byteLength >= utf8.byteLength) return plain;
  return {
    name: BodyAttribute.Compressed,
    value: { B: compressed },
    size: 1 + compressed.byteLength,
    textBytes: utf8.byteLength,
  };
}

/**
 * The JSON text of an item's body, or `undefined` when the item has none.
 *
 * @throws Error when a compressed body cannot be inflated (see `decompressBody`).
 */
export function bodyText(item: Record<string, unknown>): string | undefined {
  const text = (item[BodyAttribute.Text] as { S?: unknown } | undefined)?.S;
  if (typeof text === 'string') return text;
  const compressed = (item[BodyAttribute.Compressed] as { B?: unknown } | undefined)?.B;
  if (compressed === undefined) return undefined;
  return decompressBody(toBytes(compressed));
}

/** True when the item has a body attribute of the right type (it may still be unreadable). */
export function hasBody(item: Record<string, unknown>): boolean {
  const text = (item[BodyAttribute.Text] as { S?: unknown } | undefined)?.S;
  const compressed = (item[BodyAttribute.Compressed] as { B?: unknown } | undefined)?.B;
  return typeof text === 'string' || compressed instanceof Uint8Array || typeof compressed === 'string';
}

/** Bytes of a binary attribute: the SDK gives `Uint8Array`, Lambda stream images base64 text. */
export function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return Buffer.from(value, 'base64');
  throw new Error('a binary attribute is neither bytes nor base64 text');
}
