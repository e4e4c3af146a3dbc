import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** DynamoDB's item size limit: 400 KB, attribute names included. */
export const MAX_ITEM_BYTES = 400 * 1024;

/** Bytes of a string as DynamoDB counts them: its UTF-8 length. */
export const stringBytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * An upper bound of the bytes DynamoDB counts for a number, given as the text it is sent as.
 *
 * DynamoDB stores numbers in base 100, digit pairs aligned on the decimal point, plus one byte of
 * exponent ("1 byte per two significant digits, plus 1"): `1.5` is `01|50`, so an odd number of
 * integer digits costs a pair more than half the digits would suggest. Negative numbers may take
 * one more byte, which is counted too.
 */
export function numberBytes(text: string): number {
  const negative = text.startsWith('-');
  const [mantissa = '', exponent = '0'] = (negative ? text.slice(1) : text).toLowerCase().split('e');
  const [whole = '', fraction = ''] = mantissa.split('.');
  const all = whole + fraction;
  const first = all.search(/[1-9]/);
  if (first < 0) return 2;
  const last = all.length - 1 - (all.match(/0*$/)?.[0].length ?? 0);
  // Place value (power of ten) of the first and last significant digits.
  const point = whole.length + Number(exponent);
  const high = point - 1 - first;
  const low = point - 1 - last;
  const pairs = Math.floor(high / 2) - Math.floor(low / 2) + 1;
  return pairs + 1 + (negative ? 1 : 0);
}

/**
 * An upper bound of the bytes DynamoDB counts for a value (not including its attribute name): the
 * rules of the DynamoDB developer guide ("Item sizes and formats"), with 3 bytes per map or list
 * and 1 byte per element in it.
 */
export function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return stringBytes(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return binaryLength(value.B);
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return value.L.reduce((sum, child) => sum + valueBytes(child) + 1, 3);
  if (value.M !== undefined) return itemBytes(value.M) + Object.keys(value.M).length + 3;
  if (value.SS !== undefined) return value.SS.reduce((sum, text) => sum + stringBytes(text), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, text) => sum + numberBytes(text), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, bytes) => sum + binaryLength(bytes), 0);
  return 0;
}

/** An upper bound of an item's size as DynamoDB counts it: names plus values. */
export function itemBytes(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += stringBytes(name) + valueBytes(value);
  return size;
}

// Lambda hands binary values over as base64 text; the SDK as bytes.
const binaryLength = (bytes: unknown): number =>
  typeof bytes === 'string' ? Buffer.from(bytes, 'base64').byteLength : (bytes as Uint8Array).byteLength;
