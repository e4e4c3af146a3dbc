/**
 * Remembers, per stream, the highest version this process has seen stored.
 *
 * Why: DynamoDB can check "version v+1 does not exist" in the `PutItem` that writes it, but not
 * "version v exists" (a condition only sees the item it writes). Events are never deleted, so
 * once version v has been read or written it exists forever; an append right after a load can
 * then be a single conditional `PutItem`. Only an expected version nobody has seen here needs a
 * `ConditionCheck` on version v inside a transaction. A bounded LRU keeps memory flat.
 */
export class KnownVersions {
  readonly #max: number;
  readonly #versions = new Map<string, number>();

  constructor(maxStreams = 10_000) {
    this.#max = maxStreams;
  }

  /** True when version `version` of the stream is known to exist. */
  has(streamId: string, version: number): boolean {
    const known = this.#versions.get(streamId);
    return known !== undefined && version <= known;
  }

  /**
   * Records that the stream holds every version up to `version`. Callers pass only versions read
   * from validated event items or written by this process: a foreign item's version would let a
   * later append skip its gap proof.
   */
  record(streamId: string, version: number): void {
    if (!Number.isSafeInteger(version) || version < 1) return;
    const known = this.#versions.get(streamId) ?? 0;
    this.#versions.delete(streamId);
    this.#versions.set(streamId, Math.max(known, version));
    if (this.#versions.size > this.#max) {
      const oldest = this.#versions.keys().next().value;
      if (oldest !== undefined) this.#versions.delete(oldest);
    }
  }
}
