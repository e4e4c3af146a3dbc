/**
 * Freezes a state deeply, in place, and returns an estimate of its size in bytes (its JSON
 * length), or `undefined` when it is not plain data (a `Date`, `Map`, class instance, function...):
 * freezing cannot make those immutable, so such states are not cached.
 *
 * Frozen objects never change, so their sizes are remembered: a state evolved from a frozen one
 * shares most of its objects with it, and freezing and measuring it costs only what changed.
 */
export function freezeState(value: unknown): number | undefined {
  return measure(value, 0);
}

const sizes = new WeakMap<object, number>();
const MAX_DEPTH = 64;

function measure(value: unknown, depth: number): number | undefined {
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'number':
    case 'boolean':
      return String(value).length;
    case 'undefined':
      return 0;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return 4;
  const known = sizes.get(value);
  if (known !== undefined) return known;
  const prototype = Object.getPrototypeOf(value);
  const array = Array.isArray(value);
  if (depth > MAX_DEPTH || (!array && prototype !== Object.prototype && prototype !== null)) return undefined;
  let size = 2;
  for (const key of Object.keys(value)) {
    const child = measure((value as Record<string, unknown>)[key], depth + 1);
    if (child === undefined) return undefined;
    size += child + 1 + (array ? 0 : key.length + 3);
  }
  if (Object.getOwnPropertySymbols(value).length > 0) return undefined;
  Object.freeze(value);
  sizes.set(value, size);
  return size;
}
