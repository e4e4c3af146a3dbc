import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { CorruptEventError, UnsupportedValueError } from '../errors.js';

/** DynamoDB allows at most 32 levels of nested lists and maps. */
export const MAX_NESTING_DEPTH = 32;

// DynamoDB numbers: magnitude between 1E-130 and 9.99...E+125, or zero, 38 significant digits.
// A JavaScript number prints with at most 17 significant digits, so only the range can fail.
const MAX_MAGNITUDE = 1e126;
const MIN_MAGNITUDE = 1e-130;

/** A value encoded for DynamoDB with the number of bytes it adds to an item (an upper bound). */
export interface EncodedValue {
  readonly value: AttributeValue;
  readonly size: number;
}

/**
 * Encodes a JavaScript value as a DynamoDB attribute value, exactly or not at all.
 *
 * Round-trips exactly: strings (well-formed Unicode), finite numbers in DynamoDB's range, booleans,
 * `null`, arrays, plain objects and `Uint8Array` (read back as `Uint8Array`). Object properties
 * whose value is `undefined` are left out, as JSON does, and `-0` is stored as `0`.
 * Everything else (functions, symbols, `bigint`, `Date`, `Map`, `Set`, class instances, holes or
 * `undefined` in arrays, `NaN`, `Infinity`) throws an {@link UnsupportedValueError} naming the path.
 */
export function encodeValue(value: unknown, path: string, depth = 0): EncodedValue {
  switch (typeof value) {
    case 'string':
      return encodeString(value, path);
    case 'number':
      return encodeNumber(value, path);
    case 'boolean':
      return { value: { BOOL: value }, size: 1 };
    case 'object':
      if (value === null) return { value: { NULL: true }, size: 1 };
      return encodeObject(value, path, depth);
    case 'undefined':
      throw new UnsupportedValueError(path, 'undefined is not a value DynamoDB can store; use null');
    case 'bigint':
      throw new UnsupportedValueError(path, 'bigint would come back as a number; store it as a string');
    default:
      throw new UnsupportedValueError(path, `a ${typeof value} cannot be stored; events hold plain data`);
  }
}

function encodeString(value: string, path: string): EncodedValue {
  if (!value.isWellFormed()) {
    throw new UnsupportedValueError(path, 'the string has an unpaired surrogate, which is not valid UTF-8');
  }
  return { value: { S: value }, size: Buffer.byteLength(value, 'utf8') };
}

function encodeNumber(value: number, path: string): EncodedValue {
  if (!Number.isFinite(value)) {
    throw new UnsupportedValueError(path, `${value} is not a finite number`);
  }
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= MAX_MAGNITUDE || magnitude < MIN_MAGNITUDE)) {
    throw new UnsupportedValueError(path, `${value} is outside DynamoDB's number range (1e-130 to 1e126)`);
  }
  const text = String(value === 0 ? 0 : value);
  // DynamoDB bills about one byte per two significant digits plus one; 17 digits at most here.
  return { value: { N: text }, size: Math.ceil(significantDigits(text) / 2) + 1 };
}

function significantDigits(text: string): number {
  const mantissa = text.split('e')[0] ?? text;
  return mantissa.replace(/[-.]/g, '').replace(/^0+/, '').length || 1;
}

function encodeObject(value: object, path: string, depth: number): EncodedValue {
  if (depth >= MAX_NESTING_DEPTH) {
    throw new UnsupportedValueError(path, `nesting is deeper than DynamoDB's ${MAX_NESTING_DEPTH} levels`);
  }
  if (Array.isArray(value)) return encodeList(value, path, depth);
  if (value instanceof Uint8Array) {
    return { value: { B: new Uint8Array(value) }, size: value.byteLength };
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    const hint = value instanceof Date ? '; store date.toISOString()' : '; convert it to plain data first';
    throw new UnsupportedValueError(path, `a ${name} instance is not plain data${hint}`);
  }
  if (Object.getOwnPropertySymbols(value).length > 0) {
    throw new UnsupportedValueError(path, 'symbol keys cannot be stored');
  }
  return encodeMap(value as Record<string, unknown>, path, depth);
}

function encodeList(value: readonly unknown[], path: string, depth: number): EncodedValue {
  const list: AttributeValue[] = [];
  let size = 3;
  for (let index = 0; index < value.length; index++) {
    if (!(index in value) || value[index] === undefined) {
      throw new UnsupportedValueError(`${path}[${index}]`, 'arrays cannot hold undefined or holes; use null');
    }
    const encoded = encodeValue(value[index], `${path}[${index}]`, depth + 1);
    list.push(encoded.value);
    size += encoded.size + 1;
  }
  return { value: { L: list }, size };
}

function encodeMap(value: Record<string, unknown>, path: string, depth: number): EncodedValue {
  const map: Record<string, AttributeValue> = {};
  let size = 3;
  for (const key of Object.keys(value)) {
    const child = value[key];
    if (child === undefined) continue;
    if (key.length === 0) throw new UnsupportedValueError(path, 'DynamoDB map keys cannot be empty strings');
    if (!key.isWellFormed())
      throw new UnsupportedValueError(path, `key ${JSON.stringify(key)} is not valid UTF-8`);
    const encoded = encodeValue(child, `${path}.${key}`, depth + 1);
    setOwn(map, key, encoded.value);
    size += Buffer.byteLength(key, 'utf8') + encoded.size + 1;
  }
  return { value: { M: map }, size };
}

/** Decodes an attribute value written by {@link encodeValue} (or any DynamoDB value) to plain data. */
export function decodeValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value.M)) {
      // defineProperty, not assignment: a "__proto__" key must stay data, not replace the prototype.
      Object.defineProperty(out, key, {
        value: decodeValue(child),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  if (value.L !== undefined) return value.L.map(decodeValue);
  if (value.B !== undefined) return decodeBinary(value.B as unknown);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.BS !== undefined) return value.BS.map((bytes) => decodeBinary(bytes as unknown));
  throw new CorruptEventError(`unknown attribute value ${JSON.stringify(Object.keys(value))}`);
}

// Lambda hands stream images over as JSON, where binary values are base64 strings.
function decodeBinary(bytes: unknown): Uint8Array {
  if (typeof bytes === 'string') return new Uint8Array(Buffer.from(bytes, 'base64'));
  if (bytes instanceof Uint8Array) return new Uint8Array(bytes);
  throw new CorruptEventError('binary attribute is neither bytes nor base64');
}

/**
 * Sets an own, enumerable property. Assignment would not do: `obj["__proto__"] = x` replaces the
 * prototype instead of storing a key named "__proto__", which is valid data.
 */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
