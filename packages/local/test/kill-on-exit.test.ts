import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { waitForProcessExit } from './process-alive.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/start-without-stop.ts', import.meta.url));

interface Run {
  readonly child: ChildProcess;
  /** Resolves with the lines printed so far once `line` has been printed. */
  printed(line: string): Promise<string[]>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const runFixture = (mode: string): Run => {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const waiting = new Set<() => void>();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    output += chunk;
    for (const check of waiting) check();
  });
  const printed = (line: string) =>
    new Promise<string[]>((resolve) => {
      const check = () => {
        const lines = output.split('\n');
        if (lines.includes(line) || (line === 'pid' && /^\d+\n/.test(output))) resolve(lines);
      };
      waiting.add(check);
      check();
    });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }));
  return { child, printed, exited } as Run;
};

const javaPidOf = async (run: Run): Promise<number> => Number((await run.printed('pid'))[0]);

describe('no orphaned Java process', () => {
  it('kills DynamoDB Local when the process calls process.exit() without stop()', async () => {
    const run = runFixture('exit');
    const javaPid = await javaPidOf(run);
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(await waitForProcessExit(javaPid)).toBe(true);
  });

  it('lets the process end on its own when stop() is forgotten, and kills DynamoDB Local then', async () => {
    const run = runFixture('return');
    const javaPid = await javaPidOf(run);
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(await waitForProcessExit(javaPid)).toBe(true);
  });

  it('kills DynamoDB Local on SIGTERM and still terminates the process by that signal', async () => {
    const run = runFixture('wait');
    const javaPid = await javaPidOf(run);
    await run.printed('waiting');
    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(await waitForProcessExit(javaPid)).toBe(true);
  });

  it('kills DynamoDB Local on SIGINT but leaves the decision to exit to other SIGINT listeners', async () => {
    const run = runFixture('wait-with-handler');
    const javaPid = await javaPidOf(run);
    await run.printed('waiting');
    run.child.kill('SIGINT');
    expect(await run.printed('handled')).toContain('handled');
    expect(await waitForProcessExit(javaPid)).toBe(true);
    expect(await run.exited).toEqual({ code: 0, signal: null });
  });
});
