import { createHash } from 'node:crypto';

/**
 * A stream id as a routing key of at most `max` characters (Kinesis partition keys: 256; FIFO
 * group and de-duplication ids: 128): the id itself when it fits, else `h:` + its SHA-256 (hex),
 * stable, so one stream always maps to one key.
 */
export function boundedKey(value: string, max: number): string {
  if (value.length <= max && /^[\x21-\x7e]*$/.test(value)) return value;
  return `h:${createHash('sha256').update(value).digest('hex')}`.slice(0, max);
}
