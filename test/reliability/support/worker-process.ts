import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, where `node --import tsx` resolves its loader and the workspace packages. */
export const REPOSITORY_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A TypeScript script run as its own Node.js process, the way `npm run soak` runs one. */
export interface ScriptProcess {
  readonly child: ChildProcess;
  /** Resolves with the first stdout line starting with `prefix` (rejects if the process exits first). */
  waitForLine(prefix: string, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
  output(): string;
}

export function runScript(
  path: string,
  options: { env?: NodeJS.ProcessEnv; args?: string[] } = {},
): ScriptProcess {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@dynamo-es/source',
      '--import',
      'tsx',
      join(REPOSITORY_ROOT, path),
      ...(options.args ?? []),
    ],
    { cwd: REPOSITORY_ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve(code ?? signal ?? 'unknown');
      for (const listener of listeners) listener();
    });
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  const output = () => `--- stdout\n${stdout}\n--- stderr\n${stderr.slice(-4000)}`;
  const waitForLine = (prefix: string, timeoutMs = 60_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const line = stdout.split('\n').find((candidate) => candidate.startsWith(prefix));
        if (line !== undefined) {
          done();
          resolve(line);
        } else if (ended || child.exitCode !== null || child.signalCode !== null) {
          done();
          reject(new Error(`process ended before printing "${prefix}"\n${output()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no "${prefix}" line within ${timeoutMs} ms\n${output()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  return { child, waitForLine, exited, output };
}
