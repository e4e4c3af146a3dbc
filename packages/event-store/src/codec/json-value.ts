import { UnsupportedValueError } from '../errors.js';
import { checkKey, childPath, elementAt, plainKind } from './plain-data.js';

/**
 * The deepest nesting of arrays and objects a stored value may have: `{ a: 1 }` is 1 level,
 * `{ a: [1] }` 2. It is what DynamoDB stores in one attribute (it counts the item as the 32nd
 * level), so every value dynamo-es writes, as a JSON body or as a native map, obeys the same bound.
 */
export const MAX_NESTING_DEPTH = 31;

/**
 * Checks that `value` survives `JSON.stringify` then `JSON.parse` exactly, or throws an
 * {@link UnsupportedValueError} naming the path of the first value that would not (see
 * {@link plainKind}; binary data is not JSON, so `Uint8Array` is refused here). Object properties
 * whose value is `undefined` are left out and `-0` becomes `0`, as JSON does.
 */
export function assertJsonValue(value: unknown, path: string, depth = 0): void {
  const kind = plainKind(value, path, false);
  if (kind !== 'array' && kind !== 'object') return;
  if (depth >= MAX_NESTING_DEPTH) {
    throw new UnsupportedValueError(
      path,
      `arrays and objects nest more than ${MAX_NESTING_DEPTH} levels deep (or the value has a cycle)`,
    );
  }
  if (kind === 'array') {
    const list = value as readonly unknown[];
    for (let index = 0; index < list.length; index++) {
      assertJsonValue(elementAt(list, index, path), `${path}[${index}]`, depth + 1);
    }
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const child = record[key];
    if (child === undefined) continue;
    checkKey(key, path);
    assertJsonValue(child, childPath(path, key), depth + 1);
  }
}
