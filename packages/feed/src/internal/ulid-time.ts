const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CANONICAL_ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/**
 * The time (epoch ms) a ULID event id was made, or `undefined` for other ids. The store seeds its ids
 * with the append's time, so this is when the event was recorded, read without decoding its body.
 */
export function ulidTime(eventId: string): number | undefined {
  if (!CANONICAL_ULID.test(eventId)) return undefined;
  let time = 0;
  for (let index = 0; index < 10; index++) time = time * 32 + CROCKFORD.indexOf(eventId[index] as string);
  return time;
}
