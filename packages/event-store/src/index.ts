export { MAX_TRANSACTION_BYTES, MAX_TRANSACTION_ITEMS } from './append/plan.js';
export { DEFAULT_COMPRESS_ABOVE } from './codec/body.js';
export { MAX_BODY_BYTES } from './codec/compression.js';
export {
  decodeEventItem,
  type EncodedEvent,
  type EncodeEventOptions,
  EventAttribute,
  type EventHeader,
  type EventItem,
  encodeEventItem,
  isEventItem,
  readEventHeader,
} from './codec/event-item.js';
export { itemBytes, MAX_ITEM_BYTES } from './codec/item-size.js';
export { assertJsonValue, MAX_NESTING_DEPTH } from './codec/json-value.js';
export { decodeValue, type EncodedValue, encodeValue } from './codec/value-codec.js';
export {
  ConcurrencyError,
  CorruptEventError,
  EventIdReusedError,
  EventStoreError,
  EventStoreErrorCode,
  EventTooLargeError,
  InvalidInputError,
  isConcurrencyError,
  isCorruptEventError,
  isEventIdReusedError,
  isEventStoreError,
  isEventTooLargeError,
  isInvalidInputError,
  isTransactionTooLargeError,
  isTransientError,
  isUnsupportedValueError,
  isUpcastError,
  type StreamConflict,
  TransactionTooLargeError,
  TransientError,
  UnsupportedValueError,
  UpcastError,
} from './errors.js';
export {
  type AppendManyOptions,
  EventStore,
  type EventStoreOptions,
  type ReadStreamOptions,
} from './event-store.js';
export {
  assertIdempotencyKey,
  CorruptIdempotencyRecordError,
  createIdempotencyTable,
  decodeIdempotencyItem,
  encodeIdempotencyItem,
  IdempotencyAttribute,
  type IdempotencyKey,
  IdempotencyKeyExistsError,
  type IdempotencyRecord,
  type IdempotencyTableOptions,
  type IdempotentStream,
  idempotencyTableDefinition,
  isCorruptIdempotencyRecordError,
  isIdempotencyKeyExistsError,
  MAX_IDEMPOTENCY_KEY_LENGTH,
} from './idempotency/index.js';
export {
  createEmbeddedMetrics,
  type EmbeddedMetrics,
  type EmbeddedMetricsOptions,
} from './observability/embedded-metrics.js';
export { type HandlerInstruments, instrumentHandler } from './observability/instrument-handler.js';
export {
  createJsonLogger,
  type JsonLogger,
  type JsonLoggerOptions,
  type LambdaContextLike,
  type LogLevel,
} from './observability/json-logger.js';
export { type Logger, silentLogger } from './observability/logger.js';
export {
  flushMetrics,
  type Metrics,
  type MetricsSink,
  type MetricUnit,
  noMetrics,
  type PowertoolsMetricsLike,
  toMetrics,
} from './observability/metrics.js';
export {
  type OpenTelemetrySpanLike,
  type OpenTelemetryTracerLike,
  type PowertoolsTracerLike,
  type Tracer,
  withSpan,
  type XRaySubsegmentLike,
} from './observability/tracing.js';
export { buildEventQuery, type EventQuery } from './requests/query-events.js';
export {
  CorruptSnapshotError,
  createSnapshotTable,
  isCorruptSnapshotError,
  type LoadSnapshotOptions,
  type NewSnapshot,
  type SaveSnapshotOptions,
  type SaveSnapshotResult,
  type Snapshot,
  SnapshotStore,
  type SnapshotStoreOptions,
  snapshotTableDefinition,
} from './snapshots/index.js';
// Small utilities every dynamo-es package shares (one copy of each rule in the repository).
export {
  allItems,
  type BackoffOptions,
  backoffDelay,
  cancellationCodes,
  isConditionalCheckFailure,
  mapLimit,
  type Page,
  pages,
  sleep,
} from './support/index.js';
export { createEventTable, createTableIfMissing, eventTableDefinition } from './table.js';
export {
  type AppendOptions,
  type AppendResult,
  type EventMetadata,
  type EventShape,
  ExpectedVersion,
  type NewEvent,
  type NewEventOf,
  type ReadOptions,
  type ReadStreamResult,
  type StoredEvent,
  type StreamAppend,
} from './types.js';
export { type Upcaster, UpcasterChain, type Upcasters } from './upcasting.js';
export {
  assertClientAndTable,
  assertStreamId,
  describeValue,
  MAX_EVENT_ID_LENGTH,
  MAX_EVENT_TYPE_LENGTH,
  MAX_STREAM_ID_BYTES,
  TABLE_NAME_PATTERN,
} from './validation.js';
