import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { CorruptEventError, UnsupportedValueError } from '../errors.js';
import { toBytes } from './body.js';
import { numberBytes, stringBytes } from './item-size.js';
import { MAX_NESTING_DEPTH } from './json-value.js';
import { checkKey, childPath, elementAt, plainKind } from './plain-data.js';

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
 * Encodes a JavaScript value as a native DynamoDB attribute value (maps, lists, numbers), exactly
 * or not at all. Events and snapshots are stored as one JSON body instead (cheaper to write, read
 * and parse); native values are for items that conditions or updates must look into, such as read
 * models.
 *
 * Round-trips exactly: what {@link plainKind} accepts, with numbers in DynamoDB's range (1e-130 to
 * 1e126 in magnitude, or 0), non-empty map keys, nesting at most {@link MAX_NESTING_DEPTH} levels,
 * and `Uint8Array` (read back as `Uint8Array`). Properties whose value is `undefined` are left
 * out and `-0` is stored as `0`, as JSON does. Anything else throws an
 * {@link UnsupportedValueError} naming the path. DynamoDB does not keep the order of map keys: a
 * decoded object has the same keys and values, in DynamoDB's order.
 *
 * @example
 * const { value, size } = encodeValue({ balance: 5 }, 'document'); // value: { M: { balance: { N: '5' } } }
 */
export function encodeValue(value: unknown, path: string, depth = 0): EncodedValue {
  switch (plainKind(value, path, true)) {
    case 'string':
      return { value: { S: value as string }, size: stringBytes(value as string) };
    case 'number':
      return encodeNumber(value as number, path);
    case 'boolean':
      return { value: { BOOL: value as boolean }, size: 1 };
    case 'null':
      return { value: { NULL: true }, size: 1 };
    case 'bytes':
      return { value: { B: new Uint8Array(value as Uint8Array) }, size: (value as Uint8Array).byteLength };
    case 'array':
      assertDepth(path, depth);
      return encodeList(value as readonly unknown[], path, depth);
    default:
      assertDepth(path, depth);
      return encodeMap(value as Record<string, unknown>, path, depth);
  }
}

function assertDepth(path: string, depth: number): void {
  if (depth >= MAX_NESTING_DEPTH) {
    throw new UnsupportedValueError(
      path,
      `lists and maps nest more than DynamoDB's ${MAX_NESTING_DEPTH} levels (or the value has a cycle)`,
    );
  }
}

function encodeNumber(value: number, path: string): EncodedValue {
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= MAX_MAGNITUDE || magnitude < MIN_MAGNITUDE)) {
    throw new UnsupportedValueError(path, `${value} is outside DynamoDB's number range (1e-130 to 1e126)`);
  }
  const text = String(value === 0 ? 0 : value);
  return { value: { N: text }, size: numberBytes(text) };
}

function encodeList(value: readonly unknown[], path: string, depth: number): EncodedValue {
  const list: AttributeValue[] = [];
  let size = 3;
  for (let index = 0; index < value.length; index++) {
    const encoded = encodeValue(elementAt(value, index, path), `${path}[${index}]`, depth + 1);
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
    checkKey(key, path);
    const encoded = encodeValue(child, childPath(path, key), depth + 1);
    setOwn(map, key, encoded.value);
    size += stringBytes(key) + encoded.size + 1;
  }
  return { value: { M: map }, size };
}

/**
 * Decodes a native attribute value written by {@link encodeValue} (or any DynamoDB value) to plain
 * data.
 *
 * @example
 * decodeValue({ M: { balance: { N: '5' } } }); // { balance: 5 }
 */
export function decodeValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value.M)) setOwn(out, key, decodeValue(child));
    return out;
  }
  if (value.L !== undefined) return value.L.map(decodeValue);
  if (value.B !== undefined) return copyBytes(value.B);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.BS !== undefined) return value.BS.map(copyBytes);
  throw new CorruptEventError(`unknown attribute value ${JSON.stringify(Object.keys(value))}`);
}

function copyBytes(bytes: unknown): Uint8Array {
  try {
    return new Uint8Array(toBytes(bytes));
  } catch (error) {
    throw new CorruptEventError((error as Error).message);
  }
}

/**
 * Sets an own, enumerable property. Assignment would not do: `obj["__proto__"] = x` replaces the
 * prototype instead of storing a key named "__proto__", which is valid data.
 */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
