export {
  CorruptIdempotencyRecordError,
  IdempotencyKeyExistsError,
  isCorruptIdempotencyRecordError,
  isIdempotencyKeyExistsError,
} from './errors.js';
export {
  assertIdempotencyKey,
  decodeIdempotencyItem,
  encodeIdempotencyItem,
  IdempotencyAttribute,
  MAX_IDEMPOTENCY_KEY_LENGTH,
} from './record-item.js';
export { createIdempotencyTable, idempotencyTableDefinition } from './record-table.js';
export type {
  IdempotencyKey,
  IdempotencyRecord,
  IdempotencyTableOptions,
  IdempotentStream,
} from './types.js';
