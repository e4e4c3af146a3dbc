/**
 * `@dynamo-es/projections/internal`: the apply engine's parts for the other packages of this
 * repository that drive it (the publisher), so that they reuse its checkpoint rule, poison policy,
 * gap reads and dead letters instead of copying them. Not a public API: no semver promise.
 */
export type { DeadLetter } from './codec/dead-letter-codec.js';
export type { DeadLetterFilter } from './dead-letters/dead-letter-list.js';
export { type ApplyRules, applyStream, isParked, type StreamStep } from './engine/apply-stream.js';
export type { CheckpointState } from './engine/checkpoint.js';
export { type EventRangeReader, eventsToApply, type StreamJob } from './engine/contiguous-events.js';
export { type DeliveredEvent, type EventStub, isStub } from './engine/delivered-event.js';
export { EventReader } from './engine/event-reader.js';
export { DEFAULT_RULES } from './engine/rules.js';
export { type CheckpointWriteResult, StreamCheckpoints } from './engine/stream-checkpoints.js';
export { batchItemFailures } from './handler/batch-failures.js';
export { type DeliveredRecord, decodeRecords, toStreamJobs } from './handler/delivered-records.js';
export { createReader } from './read-model/document-reader.js';
export { ReadModelTable } from './table/read-model-table.js';
