export { IamActions } from './actions.js';
export { DynamoEsFunction, type DynamoEsFunctionProps } from './dynamo-es-function.js';
export {
  CdkErrorCode,
  DynamoEsCdkError,
  InvalidPropsError,
  InvalidTableDefinitionError,
  isDynamoEsCdkError,
  isInvalidPropsError,
  isInvalidTableDefinitionError,
} from './errors.js';
export type { EventSourceSettings } from './event-source-settings.js';
export { EventStoreTable, type EventStoreTableProps, type SnapshotTableProps } from './event-store-table.js';
export { FeedEnvironment, FeedIndexer, type FeedIndexerProps } from './feed-indexer.js';
export { type PublicationSink, PublicationSinkEnvironment } from './publication-sink.js';
export type { StreamAlarms } from './stream-mapping.js';
export {
  type ProjectionAlarmProps,
  ProjectionEnvironment,
  StreamProjection,
  type StreamProjectionProps,
} from './stream-projection.js';
export {
  PublicationEnvironment,
  StreamPublication,
  type StreamPublicationProps,
} from './stream-publication.js';
export { SagaEnvironment, StreamSaga, type StreamSagaProps } from './stream-saga.js';
export { type TableFromDefinitionProps, tableFromDefinition } from './table-from-definition.js';
