/** `1234567` as `1,234,567`. */
export const formatCount = (value: number): string => value.toLocaleString('en-US');

/** A duration for people: `850 ms`, `12.3 s`, `4 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1_000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** Events per second, rounded, or `-` before anything is measurable. */
export function formatRate(count: number, ms: number): string {
  return ms <= 0 ? '-' : formatCount(Math.round((count * 1_000) / ms));
}

/** Shortens text to `max` characters, ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (max <= 0 || text.length <= max) return text;
  return max === 1 ? '…' : `${text.slice(0, max - 1)}…`;
}

/** `n thing` or `n things`. */
export const plural = (count: number, noun: string, nouns = `${noun}s`): string =>
  `${formatCount(count)} ${count === 1 ? noun : nouns}`;

/**
 * JSON for output: `Uint8Array` values (binary data in events) become base64 strings instead of
 * objects keyed by index.
 */
export const toJson = (value: unknown): string =>
  JSON.stringify(value, (_key, item: unknown) =>
    item instanceof Uint8Array ? Buffer.from(item).toString('base64') : item,
  );
