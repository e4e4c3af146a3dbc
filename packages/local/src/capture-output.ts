import type { Readable } from 'node:stream';

const DEFAULT_MAX_CHARS = 64 * 1024;

/**
 * Drains `stream` (a full pipe would block the JVM) and keeps its last `maxChars` characters.
 *
 * @returns a function reading what has been kept so far.
 * @example
 * ```ts
 * const stderr = captureOutput(child.stderr);
 * child.once('exit', () => console.error(stderr()));
 * ```
 */
export const captureOutput = (stream: Readable | null, maxChars = DEFAULT_MAX_CHARS): (() => string) => {
  let kept = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    kept = (kept + chunk).slice(-maxChars);
  });
  return () => kept;
};

/**
 * Shortens a Java stack trace to its message lines (`Exception: ...`, `Caused by: ...`), dropping frames.
 *
 * @example
 * ```ts
 * summariseJavaOutput('Exception in thread "main" x\n\tat a.b(C.java:1)\nCaused by: java.net.BindException: Address already in use');
 * // 'Exception in thread "main" x | Caused by: java.net.BindException: Address already in use'
 * ```
 */
export const summariseJavaOutput = (output: string, maxChars = 1000): string =>
  output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('at ') && !/^\.\.\. \d+ more$/.test(line))
    .join(' | ')
    .slice(0, maxChars);
