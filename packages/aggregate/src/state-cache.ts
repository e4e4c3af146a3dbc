import { InvalidInputError } from '@dynamo-es/event-store';
import { freezeState } from './internal/freeze.js';
import { assertInteger, assertObject, describeValue } from './internal/validation.js';

/**
 * Options of a {@link StateCache}.
 *
 * @example
 * const options: StateCacheOptions = { maxEntries: 1_000, maxBytes: 8 * 1024 * 1024, optimistic: true };
 */
export interface StateCacheOptions {
  /** At most this many streams' states (default 1,000); the least recently used go first. */
  readonly maxEntries?: number;
  /** At most about this many bytes of state, measured as JSON length (default 16 MiB). */
  readonly maxBytes?: number;
  /**
   * Run commands on the cached state without reading the store first: the append itself (its
   * expected version is the cached one) tells whether another process moved the stream, and only
   * then does the command read what is new and run again. Default `false`: each load reads the
   * events after the cached version (one query, usually empty).
   */
  readonly optimistic?: boolean;
}

/** What the cache holds for one stream. @internal */
export interface CachedState<S = unknown> {
  readonly state: S;
  readonly version: number;
  /** Id of the event at `version`: a load checks the stream still holds it there. */
  readonly eventId: string;
  /** Version of the last snapshot loaded or taken (for the snapshot policy). */
  readonly snapshotVersion: number;
}

interface Entry extends CachedState {
  readonly owner: object;
  readonly bytes: number;
}

/**
 * A bounded in-process cache of folded stream states and their versions, for warm Lambda
 * containers and long-running workers: give it to a repository or a decider's command handler
 * (`stateCache`), and a command on a hot aggregate reads only the events after the cached version
 * (one `Query`, usually empty) instead of loading it; with `optimistic: true` it reads nothing and
 * the command is one request, the conditional `PutItem`.
 *
 * States are deep-frozen when they enter the cache (they are plain data, and handlers return new
 * states instead of changing the one they get, as the test kit checks), so the same object can be
 * handed to every caller without a copy and none can change it for the others. States that are not
 * plain data (a `Map`, a class instance) are not cached. An entry is dropped on any failed save.
 *
 * @example
 * const cache = new StateCache({ maxEntries: 1_000, optimistic: true }); // once per container
 * const accounts = new AggregateRepository({ store, factory: (id) => new BankAccount(id), stateCache: cache });
 */
export class StateCache {
  /** Whether commands run on cached states without reading the store first. */
  readonly optimistic: boolean;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;

  constructor(options: StateCacheOptions = {}) {
    assertObject(options, 'options', '{ maxEntries?, maxBytes?, optimistic? }');
    const { maxEntries = 1_000, maxBytes = 16 * 1024 * 1024, optimistic = false } = options;
    assertInteger(maxEntries, 'options.maxEntries', 1);
    assertInteger(maxBytes, 'options.maxBytes', 1);
    if (typeof optimistic !== 'boolean') {
      throw new InvalidInputError(
        'options.optimistic',
        `expected a boolean, got ${describeValue(optimistic)}`,
      );
    }
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
    this.optimistic = optimistic;
  }

  /** Streams cached. */
  get size(): number {
    return this.#entries.size;
  }

  /** Approximate bytes of the cached states. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Forgets a stream's state (e.g. after changing it outside the repository). */
  delete(streamId: string): void {
    const entry = this.#entries.get(streamId);
    if (entry === undefined) return;
    this.#entries.delete(streamId);
    this.#bytes -= entry.bytes;
  }

  /** Forgets every state. */
  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  /** The state `owner` cached for the stream, freshened in the LRU order. @internal */
  read<S>(owner: object, streamId: string): CachedState<S> | undefined {
    const entry = this.#entries.get(streamId);
    if (entry === undefined || entry.owner !== owner) return undefined;
    this.#entries.delete(streamId);
    this.#entries.set(streamId, entry);
    return entry as CachedState as CachedState<S>;
  }

  /**
   * Caches a state (frozen in place), unless the cache holds a newer one for the stream or the state
   * is not plain data. @internal
   */
  write(owner: object, streamId: string, cached: CachedState): void {
    const current = this.#entries.get(streamId);
    if (current !== undefined && current.owner === owner && current.version > cached.version) return;
    const bytes = freezeState(cached.state);
    this.delete(streamId);
    if (bytes === undefined || bytes > this.#maxBytes || cached.version === 0) return;
    this.#entries.set(streamId, { ...cached, owner, bytes });
    this.#bytes += bytes;
    for (const [oldest] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.delete(oldest);
    }
  }

  /** Drops the stream's entry unless it is newer than `version` (a save from `version` failed). @internal */
  forget(owner: object, streamId: string, version: number): void {
    const entry = this.#entries.get(streamId);
    if (entry !== undefined && (entry.owner !== owner || entry.version <= version)) this.delete(streamId);
  }
}
