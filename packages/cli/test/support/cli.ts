import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testEndpoint } from '../../../../test/support/dynamodb.js';

/** The real binary, as npm links it. */
export const BIN = fileURLToPath(new URL('../../bin/dynamo-es.js', import.meta.url));
/** Where relative `--projections` paths in the tests are resolved from. */
export const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `dynamo-es ...args` as a child process against the test run's DynamoDB Local (through
 * `DYNAMO_ES_ENDPOINT`, unless `env` says otherwise), from the TypeScript sources even when a
 * dist/ exists, in the package directory. Never rejects: the exit code is part of the result.
 */
export function runCli(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: PACKAGE_DIR,
        env: {
          ...process.env,
          DYNAMO_ES_ENDPOINT: testEndpoint(),
          DYNAMO_ES_CLI_FROM_SOURCE: '1',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          ...env,
        },
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The lines of an output, without the final newline. */
export const lines = (text: string): string[] => text.replace(/\n$/, '').split('\n');

/** The cells of a row of a text table (columns are two or more spaces apart). */
export const cells = (line: string | undefined): string[] => (line ?? '').trim().split(/\s{2,}/);

/**
 * Starts `dynamo-es ...args` like {@link runCli}, for tests that signal it: `waitFor` resolves once
 * standard error has printed `text`, `done` with the result once it exits.
 */
export function spawnCli(args: readonly string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: PACKAGE_DIR,
    env: {
      ...process.env,
      DYNAMO_ES_ENDPOINT: testEndpoint(),
      DYNAMO_ES_CLI_FROM_SOURCE: '1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const waiters: (() => void)[] = [];
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of waiters.splice(0)) waiter();
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
  const waitFor = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${text}" on stderr: ${stderr}`)), 60_000);
      const check = () => {
        if (stderr.includes(text)) {
          clearTimeout(timer);
          resolve();
        } else waiters.push(check);
      };
      check();
    });
  return { child, waitFor, done };
}
