import {
  type EventStore,
  InvalidInputError,
  type Logger,
  type Metrics,
  noMetrics,
  silentLogger,
} from '@dynamo-es/event-store';
import type { SnapshotOptions } from '../snapshot-options.js';
import type { StateCache } from '../state-cache.js';
import type { CommandContext } from './command-core.js';
import { CommandObserver } from './command-observer.js';
import { DEFAULT_RETRIES, defaultRetryDelay } from './retry.js';
import { SnapshotPolicy } from './snapshot-policy.js';
import { assertFunction, assertInteger } from './validation.js';

/**
 * The options a repository and a decider's command handler share.
 *
 * @example
 * const shared: CommandSetupOptions<AccountState> = { store, snapshots: { store: snapshotStore, every: 50 }, retries: 5 };
 * new AggregateRepository({ ...shared, factory: (id) => new BankAccount(id) });
 * new DeciderCommandHandler({ ...shared, decider: closeAccount });
 */
export interface CommandSetupOptions<S> {
  /** The event store. Keep one instance: it remembers the versions it has seen, so an append after a load is one `PutItem`. */
  readonly store: EventStore;
  /** Snapshot policy (default: no snapshots). */
  readonly snapshots?: SnapshotOptions<S>;
  /** Default retries of a command after a conflict (default 10). */
  readonly retries?: number;
  /** Milliseconds to wait before retry number `retry` (1, 2, …). Default: jittered exponential backoff. */
  readonly retryDelay?: (retry: number) => number;
  /** Told about retries, snapshots, replays and stale cached states (default: the store's logger). */
  readonly logger?: Logger;
  /** Receives `CommandRetries`, `SnapshotsWritten`, `SnapshotFailures`, `IdempotentReplays`, `StaleCacheRetries`. */
  readonly metrics?: Metrics;
  /** Keeps folded states in memory between commands (see `StateCache`). Default: none. */
  readonly stateCache?: StateCache;
}

/** Checks the shared options and builds what the command core needs from them. */
export function setUpCommands<S>(options: CommandSetupOptions<S>): {
  readonly context: CommandContext;
  readonly retries: number;
  readonly snapshots: SnapshotPolicy<S> | undefined;
  readonly cache: StateCache | undefined;
} {
  const { store, snapshots, retries, retryDelay, stateCache } = options;
  if (typeof store?.append !== 'function' || typeof store.readStream !== 'function') {
    throw new InvalidInputError('options.store', 'expected an EventStore');
  }
  if (retries !== undefined) assertInteger(retries, 'options.retries', 0);
  if (retryDelay !== undefined) assertFunction(retryDelay, 'options.retryDelay');
  if (stateCache !== undefined && typeof (stateCache as { write?: unknown })?.write !== 'function') {
    throw new InvalidInputError('options.stateCache', 'expected a StateCache');
  }
  const observer = new CommandObserver(
    assertHooks(options.logger, 'options.logger', ['debug', 'info', 'warn', 'error']) ??
      store.logger ??
      silentLogger,
    assertHooks(options.metrics, 'options.metrics', ['record']) ?? store.metrics ?? noMetrics,
  );
  return {
    context: { store, observer, retryDelay: retryDelay ?? defaultRetryDelay },
    retries: retries ?? DEFAULT_RETRIES,
    snapshots:
      snapshots === undefined ? undefined : new SnapshotPolicy(snapshots, 'options.snapshots', observer),
    cache: stateCache,
  };
}

/** An optional logger or metrics sink must have its methods; returns it (or undefined). */
function assertHooks<T>(value: T | undefined, path: string, methods: readonly string[]): T | undefined {
  if (value === undefined) return undefined;
  for (const method of methods) {
    if (typeof (value as Record<string, unknown> | null)?.[method] !== 'function') {
      throw new InvalidInputError(path, `expected an object with ${methods.join(', ')} methods`);
    }
  }
  return value;
}
