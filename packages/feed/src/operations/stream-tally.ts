/** What the validator counts of one stream on each side. */
export interface StreamTally {
  readonly feed: { next: number; max: number; count: number; digest: number };
  readonly table: { max: number; count: number; digest: number };
}

export const streamTally = (): StreamTally => ({
  feed: { next: 1, max: 0, count: 0, digest: 0 },
  table: { max: 0, count: 0, digest: 0 },
});

const DIGEST_MODULUS = 2 ** 48;

/**
 * Adds (version, type) to an order-independent digest: a sum of 32-bit FNV-1a hashes, so the feed
 * (in feed order) and a scan (in any order) can be compared in memory per stream, not per event.
 */
export function typeDigest(digest: number, version: number, type: string): number {
  return textDigest(digest, `${version}\u0000${type}`);
}

/** What the validator counts of one type, on the batches' side and on the type index's. */
export interface TypeTally {
  readonly batches: { count: number; digest: number };
  readonly index: { count: number; digest: number };
}

export const typeTally = (): TypeTally => ({
  batches: { count: 0, digest: 0 },
  index: { count: 0, digest: 0 },
});

/** Adds an entry (position, stream, version) to one side of a type's tally. */
export function tallyEntry(
  side: { count: number; digest: number },
  entry: { position: number; streamId: string; version: number },
): void {
  side.count++;
  side.digest = textDigest(side.digest, `${entry.position}\u0000${entry.streamId}\u0000${entry.version}`);
}

function textDigest(digest: number, text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (digest + hash) % DIGEST_MODULUS;
}
