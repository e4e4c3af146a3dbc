export {
  type ClaimCheck,
  claimCheckKey,
  resolveClaimCheck,
  type S3ClaimCheckOptions,
  s3ClaimCheck,
} from './claim-check/s3-claim-check.js';
export type { ConsumeStats } from './consumer/consume.js';
export { chainFrom, type MessageChain } from './consumer/message-chain.js';
export { MessageConsumer, type MessageConsumerOptions } from './consumer/message-consumer.js';
export { messageEvent } from './consumer/message-event.js';
export type { DeliveryStats } from './delivery/deliver.js';
export type { PublicationStreamHandler } from './delivery/stream-handler.js';
export { type ClaimCheckReference, type MessageEnvelope, parseEnvelope } from './envelope.js';
export {
  ClaimCheckError,
  InvalidEnvelopeError,
  InvalidMessageError,
  InvalidPublicationError,
  isClaimCheckError,
  isInvalidEnvelopeError,
  isInvalidMessageError,
  isInvalidPublicationError,
  isMessageTooLargeError,
  isPublisherError,
  isSinkRejectedError,
  MessageTooLargeError,
  PublisherError,
  PublisherErrorCode,
  SinkRejectedError,
} from './errors.js';
export {
  definePublication,
  type IntegrationMessage,
  type MessageMappers,
  type Publication,
  type PublicationDefinition,
} from './publication.js';
export { type PublicationHandlerOptions, Publisher, type PublisherOptions } from './publisher.js';
export type { PublicationReplayResult } from './replay.js';
export { EVENTBRIDGE_LIMITS, type EventBridgeSinkOptions, eventBridgeSink } from './sinks/eventbridge.js';
export { KINESIS_LIMITS, type KinesisSinkOptions, kinesisSink } from './sinks/kinesis.js';
export { DEFAULT_SINK_RETRY, type SinkRetry } from './sinks/send-all.js';
export type { EntryFailure, OutgoingMessage, Sink, SinkLimits } from './sinks/sink.js';
export { type SnsSinkOptions, snsSink } from './sinks/sns.js';
export { type SqsSinkOptions, sqsSink } from './sinks/sqs.js';
