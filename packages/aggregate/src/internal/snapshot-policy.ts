import { CorruptSnapshotError, InvalidInputError, silentLogger } from '@dynamo-es/event-store';
import type { SnapshotErrorContext, SnapshotOptions } from '../snapshot-options.js';
import type { CommandObserver } from './command-observer.js';
import { assertFunction, assertInteger, assertObject } from './validation.js';

/** A usable snapshot: its state, already turned back into the aggregate's state. */
export interface UsableSnapshot<S> {
  readonly state: S;
  readonly version: number;
}

/** Applies {@link SnapshotOptions}: reads, validates and writes snapshots, never failing a command. */
export class SnapshotPolicy<S> {
  readonly #options: SnapshotOptions<S>;
  readonly #schemaVersion: number;
  readonly #warned = new Set<string>();
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

  /** The stream's snapshot when there is a usable one; errors are reported, never thrown. */
  async load(streamId: string): Promise<UsableSnapshot<S> | undefined> {
    try {
      const snapshot = await this.#options.store.load(streamId);
      // A snapshot of another state shape is expected after a deployment: not an error, just unusable.
      if (snapshot === undefined || snapshot.schemaVersion !== this.#schemaVersion) return undefined;
      const { fromSnapshot } = this.#options;
      const state = fromSnapshot ? fromSnapshot(snapshot.state) : (snapshot.state as S);
      return { state, version: snapshot.version };
    } catch (error) {
      this.#report(error, { operation: 'load', streamId });
      return undefined;
    }
  }

  /** Reports a snapshot that claims a version the stream does not have (e.g. the stream was recreated). */
  reportAhead(streamId: string, snapshotVersion: number, streamVersion: number): void {
    const problem =
      `it is at version ${snapshotVersion} but the stream is at version ${streamVersion}; ` +
      'was the stream recreated, or the snapshots table shared by two events tables? Replayed the stream instead';
    this.#report(new CorruptSnapshotError(streamId, problem), { operation: 'load', streamId });
  }

  /** True when a save that reached `version` should be followed by a snapshot. */
  isDue(lastSnapshotVersion: number, version: number): boolean {
    return version - lastSnapshotVersion >= this.#options.every;
  }

  /** Writes a snapshot; errors are reported, never thrown. */
  async take(streamId: string, version: number, state: S): Promise<void> {
    try {
      const { toSnapshot } = this.#options;
      const stored = toSnapshot ? toSnapshot(state) : state;
      const schemaVersion = this.#schemaVersion;
      const result = await this.#options.store.save({ streamId, version, schemaVersion, state: stored });
      if (result?.written === false) this.#observer.snapshotSuperseded({ streamId, version });
      else this.#observer.snapshotWritten({ streamId, version, schemaVersion });
    } catch (error) {
      this.#report(error, { operation: 'save', streamId, version });
    }
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
