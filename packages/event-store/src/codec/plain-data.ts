import { UnsupportedValueError } from '../errors.js';

/** What a value is, as plain data. */
export type PlainKind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object' | 'bytes';

/**
 * The one rule of what dynamo-es stores: strings (well-formed Unicode), finite numbers, booleans,
 * `null`, arrays without holes or extra properties, plain objects (prototype `Object.prototype` or
 * `null`, string keys, enumerable own properties) and, where the encoding allows, `Uint8Array`.
 * Anything else throws an {@link UnsupportedValueError} naming `path`: a value that is not stored
 * exactly is never stored at all.
 *
 * Callers walk the children themselves (each encoding builds its own output) and skip object
 * properties whose value is `undefined`, as JSON does.
 */
export function plainKind(value: unknown, path: string, bytes: boolean): PlainKind {
  switch (typeof value) {
    case 'string':
      if (!value.isWellFormed()) {
        throw new UnsupportedValueError(
          path,
          'the string has an unpaired surrogate, which is not valid UTF-8',
        );
      }
      return 'string';
    case 'number':
      if (!Number.isFinite(value)) throw new UnsupportedValueError(path, `${value} is not a finite number`);
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      return value === null ? 'null' : objectKind(value, path, bytes);
    case 'undefined':
      throw new UnsupportedValueError(path, 'undefined cannot be stored; use null');
    case 'bigint':
      throw new UnsupportedValueError(path, 'a bigint would come back as a number; store it as a string');
    default:
      throw new UnsupportedValueError(path, `a ${typeof value} cannot be stored; events hold plain data`);
  }
}

function objectKind(value: object, path: string, bytes: boolean): PlainKind {
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value) && proto === Array.prototype) {
    // Extra properties would be lost: JSON keeps only the elements (holes: see elementAt). An
    // array's own names are its indices and `length`; anything beyond is extra.
    if (
      Object.getOwnPropertyNames(value).length > value.length + 1 ||
      Object.getOwnPropertySymbols(value).length > 0
    ) {
      throw new UnsupportedValueError(path, 'arrays cannot have properties besides their elements');
    }
    return 'array';
  }
  if (value instanceof Uint8Array && bytes) return 'bytes';
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name || 'object';
    throw new UnsupportedValueError(path, `a ${name} instance is not plain data${hintFor(value)}`);
  }
  if (Object.getOwnPropertySymbols(value).length > 0) {
    throw new UnsupportedValueError(path, 'symbol keys cannot be stored');
  }
  if (Object.getOwnPropertyNames(value).length !== Object.keys(value).length) {
    throw new UnsupportedValueError(path, 'non-enumerable properties would be lost; make them enumerable');
  }
  return 'object';
}

function hintFor(value: object): string {
  if (value instanceof Date) return '; store date.toISOString()';
  if (value instanceof Uint8Array) return '; events are JSON: store binary data as a base64 string';
  if (value instanceof Map) return '; store Object.fromEntries(map)';
  if (value instanceof Set) return '; store [...set]';
  return '; convert it to plain data first';
}

/** Element `index` of an array, or an {@link UnsupportedValueError} for a hole (JSON would turn it into `null`). */
export function elementAt(list: readonly unknown[], index: number, path: string): unknown {
  if (!(index in list))
    throw new UnsupportedValueError(`${path}[${index}]`, 'arrays cannot have holes; use null');
  return list[index];
}

/** Checks an object key: it must be well-formed Unicode, like every string stored. */
export function checkKey(key: string, path: string): void {
  if (!key.isWellFormed()) {
    throw new UnsupportedValueError(
      path,
      `key ${JSON.stringify(key)} has an unpaired surrogate (not valid UTF-8)`,
    );
  }
}

/** The path of an object's property in error messages: `data.amount`, `data["a b"]`. */
export function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
