import type { ChildProcess } from 'node:child_process';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

const children = new Set<ChildProcess>();

const killAll = (): void => {
  for (const child of children) child.kill('SIGTERM');
  children.clear();
};

// Synchronous by necessity: only synchronous work runs in an 'exit' listener. Sending the signal is enough,
// the JVM shuts down by itself even after this process is gone.
const onExit = (): void => killAll();

const onSignal = (signal: NodeJS.Signals): void => {
  killAll();
  uninstall();
  // Listening to a signal disables Node's default of exiting. If nobody else listens, restore that default
  // by re-raising; if someone does, they own the decision, and Node has called (or will call) them too.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
};

const install = (): void => {
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
};

function uninstall(): void {
  process.off('exit', onExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/**
 * Kills `child` with SIGTERM when this process exits or receives SIGINT/SIGTERM, so no Java process
 * outlives the tests or tools that started it. Listeners are shared by all tracked children and
 * removed once none is left.
 *
 * @returns a function that stops tracking `child` (call it once the child has been stopped).
 * @example
 * ```ts
 * const untrack = killOnExit(child);
 * child.once('exit', untrack);
 * ```
 */
export const killOnExit = (child: ChildProcess): (() => void) => {
  if (children.size === 0) install();
  children.add(child);
  return () => {
    if (children.delete(child) && children.size === 0) uninstall();
  };
};
