import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * The first byte of a compressed body says how it was compressed, so another algorithm can be
 * read alongside this one later. 1: raw DEFLATE (RFC 1951) at zlib's default level 6.
 *
 * Why DEFLATE: on JSON events of 1-500 KB it compressed 2.0-5.6x, within 5% of brotli at the same
 * speed and ahead of it above 100 KB, it inflates fastest, and every language can read it
 * (`npm run bench` has the figures). Raw, because the 1-byte marker replaces zlib's and gzip's
 * headers (6 and 18 bytes billed on every item).
 */
const DEFLATE_RAW = 1;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The largest body, uncompressed, that dynamo-es writes or reads: 16 MiB. It bounds the memory a
 * decompressed item can take, so a corrupt or hostile item cannot exhaust the process.
 */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Compresses a body's UTF-8 text; the result starts with its algorithm marker. */
export function compressBody(text: Buffer): Uint8Array {
  const deflated = deflateRawSync(text);
  const out = new Uint8Array(deflated.byteLength + 1);
  out[0] = DEFLATE_RAW;
  out.set(deflated, 1);
  return out;
}

/**
 * The text of a compressed body.
 *
 * @throws Error when the marker is unknown, the data is not valid DEFLATE, or it inflates beyond
 * {@link MAX_BODY_BYTES}; callers turn it into their own corrupt-item error.
 */
export function decompressBody(bytes: Uint8Array): string {
  if (bytes[0] !== DEFLATE_RAW) {
    throw new Error(`unknown compression marker ${bytes[0]} (written by a newer dynamo-es?)`);
  }
  const view = Buffer.from(bytes.buffer, bytes.byteOffset + 1, bytes.byteLength - 1);
  // Fatal: raw DEFLATE has no checksum, and invalid UTF-8 is the one damage that can be caught
  // cheaply; decoding it leniently would turn it into a wrong event instead of a corrupt one.
  return UTF8.decode(inflateRawSync(view, { maxOutputLength: MAX_BODY_BYTES }));
}
