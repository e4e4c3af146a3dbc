import {
  CorruptSnapshotError,
  InvalidInputError,
  isCorruptSnapshotError,
  silentLogger,
} from '@dynamo-es/event-store';
import type { SnapshotErrorContext, SnapshotOptions } from '../snapshot-options.js';
import type { CommandObserver } from './command-observer.js';
import { assertFunction, assertInteger, assertObject } from './validation.js';

/** A usable snapshot: its state, already turned back into the aggregate's state. */
export interface UsableSnapshot<S> {
  readonly state: S;
  readonly version: number;
  /** Id of the event at `version`: the load checks the stream holds it there. */
  readonly eventId: string;
}

/** What loading a stream's snapshot found. */
export interface LoadedSnapshot<S> {
  readonly usable?: UsableSnapshot<S>;
  /** The stored snapshot cannot be used and must be replaced (see {@link SnapshotPolicy.reject}). */
  readonly invalid: boolean;
}

// Invalid snapshots already reported, so a read-only workload loading one does not report it each time.
const MAX_REMEMBERED = 1000;

/** Applies {@link SnapshotOptions}: reads, validates and writes snapshots, never failing a command. */
export class SnapshotPolicy<S> {
  readonly #options: SnapshotOptions<S>;
  readonly #schemaVersion: number;
  readonly #warned = new Set<string>();
  readonly #rejected = new Set<string>();
  readonly #observer: CommandObserver;

  constructor(options: SnapshotOptions<S>, path: string, observer: CommandObserver) {
    assertObject(options, path, '{ store, every, schemaVersion? }');
    if (typeof options.store?.load !== 'function' || typeof options.store.save !== 'function') {
      throw new InvalidInputError(`${path}.store`, 'expected a SnapshotStore (an object with load and save)');
    }
    assertInteger(options.every, `${path}.every`, 1);
    if (options.schemaVersion !== undefined) assertInteger(options.schemaVersion, `${path}.schemaVersion`, 1);
    for (const name of ['toSnapshot', 'fromSnapshot', 'onError'] as const) {
      if (options[name] !== undefined) assertFunction(options[name], `${path}.${name}`);
    }
    this.#options = options;
    this.#schemaVersion = options.schemaVersion ?? 1;
    this.#observer = observer;
  }

  /**
   * The stream's snapshot when there is a usable one; errors are reported, never thrown. Without
   * `fromSnapshot`, a stored state of another JSON kind than `initialState` (e.g. `null` for an
   * object) is rejected: folding events into it could only fail.
   */
  async load(streamId: string, initialState: S): Promise<LoadedSnapshot<S>> {
    try {
      const snapshot = await this.#options.store.load(streamId);
      // A snapshot of another state shape is expected after a deployment: not an error, just unusable.
      if (snapshot === undefined || snapshot.schemaVersion !== this.#schemaVersion) return { invalid: false };
      const { fromSnapshot } = this.#options;
      if (!fromSnapshot && kindOf(snapshot.state) !== kindOf(initialState)) {
        this.reject(
          streamId,
          `its state is ${kindOf(snapshot.state)}, not ${kindOf(initialState)} like the initial state`,
          snapshot,
        );
        return { invalid: true };
      }
      const state = fromSnapshot ? fromSnapshot(snapshot.state) : (snapshot.state as S);
      return { usable: { state, version: snapshot.version, eventId: snapshot.eventId }, invalid: false };
    } catch (error) {
      // An item that is not a valid snapshot must be replaced; a store that cannot be reached must not be written to more.
      if (!isCorruptSnapshotError(error)) {
        this.#report(error, { operation: 'load', streamId });
        return { invalid: false };
      }
      this.#reportOnce(`${streamId}:corrupt`, error, { operation: 'load', streamId });
      return { invalid: true };
    }
  }

  /**
   * Reports, once, a snapshot that cannot be trusted (ahead of its stream, another history's, or
   * failing to fold); the stream is replayed instead and the next save replaces the snapshot.
   */
  reject(streamId: string, problem: string, snapshot: { version: number; eventId: string }): void {
    const error = new CorruptSnapshotError(
      streamId,
      `${problem}; replayed the stream instead, and the next save replaces the snapshot`,
    );
    this.#reportOnce(`${streamId}@${snapshot.version}:${snapshot.eventId}`, error, {
      operation: 'load',
      streamId,
    });
  }

  /** True when a save that reached `version` should be followed by a snapshot. */
  isDue(lastSnapshotVersion: number, version: number): boolean {
    return version - lastSnapshotVersion >= this.#options.every;
  }

  /** Writes a snapshot (over whatever is stored when `overwrite`); errors are reported, never thrown. */
  async take(
    snapshot: { streamId: string; version: number; eventId: string; state: S },
    overwrite: boolean,
  ): Promise<void> {
    const { streamId, version } = snapshot;
    try {
      const { toSnapshot } = this.#options;
      const stored = toSnapshot ? toSnapshot(snapshot.state) : snapshot.state;
      const schemaVersion = this.#schemaVersion;
      const result = await this.#options.store.save(
        { streamId, version, eventId: snapshot.eventId, schemaVersion, state: stored },
        overwrite ? { overwrite } : {},
      );
      if (result?.written === false) this.#observer.snapshotSuperseded({ streamId, version });
      else this.#observer.snapshotWritten({ streamId, version, schemaVersion });
    } catch (error) {
      this.#report(error, { operation: 'save', streamId, version });
    }
  }

  #reportOnce(key: string, error: unknown, context: SnapshotErrorContext): void {
    if (this.#rejected.has(key)) return;
    if (this.#rejected.size >= MAX_REMEMBERED) this.#rejected.clear();
    this.#rejected.add(key);
    this.#report(error, context);
  }

  #report(error: unknown, context: SnapshotErrorContext): void {
    this.#observer.snapshotFailed(error, context);
    try {
      if (this.#options.onError) this.#options.onError(error, context);
      // Without a hook or a logger, nobody would hear of it: say it once on the console.
      else if (this.#observer.logger === silentLogger) this.#warnOnce(error, context);
    } catch {
      // A failing error hook must not turn a snapshot problem into a failed command either.
    }
  }

  #warnOnce(error: unknown, context: SnapshotErrorContext): void {
    const { name, code, message } = (error ?? {}) as { name?: string; code?: string; message?: string };
    const kind = `${context.operation}:${code ?? name ?? 'Error'}`;
    if (this.#warned.has(kind)) return;
    this.#warned.add(kind);
    console.warn(
      `[dynamo-es] snapshot ${context.operation} failed for stream "${context.streamId}" (${name ?? 'Error'}: ${message}). ` +
        'The command is unaffected. Further errors of this kind are not logged; pass snapshots.onError to handle them.',
    );
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
