/**
 * Typed errors of `@dynamo-es/publisher`. Every error carries a stable string `code`; the
 * `isXError()` guards check that code rather than `instanceof`, so they keep working when two
 * copies of the package end up installed.
 */

/** Stable codes of every error this package throws. */
export const PublisherErrorCode = {
  InvalidPublication: 'DYNAMO_ES_INVALID_PUBLICATION',
  InvalidMessage: 'DYNAMO_ES_INVALID_MESSAGE',
  MessageTooLarge: 'DYNAMO_ES_MESSAGE_TOO_LARGE',
  SinkRejected: 'DYNAMO_ES_SINK_REJECTED',
  ClaimCheck: 'DYNAMO_ES_CLAIM_CHECK',
  InvalidEnvelope: 'DYNAMO_ES_INVALID_ENVELOPE',
} as const;
export type PublisherErrorCode = (typeof PublisherErrorCode)[keyof typeof PublisherErrorCode];

/** Base class of every error thrown by the publisher. */
export class PublisherError extends Error {
  readonly code: PublisherErrorCode;

  constructor(code: PublisherErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PublisherError';
    this.code = code;
  }
}

/** A publication, a sink or a consumer was configured with a value it cannot work with. */
export class InvalidPublicationError extends PublisherError {
  /** The option at fault, e.g. `messages.TransferSent` or `sink.streamName`. */
  readonly field: string;

  constructor(field: string, reason: string) {
    super(PublisherErrorCode.InvalidPublication, `invalid ${field}: ${reason}`);
    this.name = 'InvalidPublicationError';
    this.field = field;
  }
}

/** A mapping returned something that is not an integration message: the event is poison. */
export class InvalidMessageError extends PublisherError {
  readonly streamId: string;
  readonly version: number;
  readonly eventType: string;

  constructor(event: { streamId: string; version: number; type: string }, reason: string) {
    super(
      PublisherErrorCode.InvalidMessage,
      `the mapping of ${event.type} (stream ${event.streamId}, version ${event.version}) ${reason}; ` +
        'return { type, version, data } with a non-empty type, a positive integer version and JSON data',
    );
    this.name = 'InvalidMessageError';
    this.streamId = event.streamId;
    this.version = event.version;
    this.eventType = event.type;
  }
}

/** A message is over the sink's size limit and no claim check is configured: the event is poison. */
export class MessageTooLargeError extends PublisherError {
  readonly messageId: string;
  readonly sizeBytes: number;
  readonly limitBytes: number;

  constructor(input: { messageId: string; sink: string; sizeBytes: number; limitBytes: number }) {
    super(
      PublisherErrorCode.MessageTooLarge,
      `message ${input.messageId} is ${input.sizeBytes} bytes, over the ${input.limitBytes} bytes ` +
        `${input.sink} takes per entry; give the publisher a claimCheck (S3) or publish less data`,
    );
    this.name = 'MessageTooLargeError';
    this.messageId = input.messageId;
    this.sizeBytes = input.sizeBytes;
    this.limitBytes = input.limitBytes;
  }
}

/** The sink kept rejecting a message after its retries: its stream is delivered again later. */
export class SinkRejectedError extends PublisherError {
  readonly messageId: string;
  /** The sink's error code for the entry (e.g. `ProvisionedThroughputExceededException`). */
  readonly errorCode: string;
  readonly attempts: number;
  /** The service refused the entry itself: the event counts an attempt, as if its mapping had thrown. */
  readonly permanent: boolean;

  constructor(input: {
    messageId: string;
    sink: string;
    errorCode: string;
    detail: string;
    attempts: number;
    permanent?: boolean;
  }) {
    super(
      PublisherErrorCode.SinkRejected,
      input.permanent
        ? `${input.sink} refused message ${input.messageId} (${input.errorCode}: ${input.detail}); ` +
            'the event is poison: fix its mapping, then replay its dead letter'
        : `${input.sink} rejected message ${input.messageId} ${input.attempts} times (${input.errorCode}: ` +
            `${input.detail}); its stream will be delivered again`,
    );
    this.permanent = input.permanent === true;
    this.name = 'SinkRejectedError';
    this.messageId = input.messageId;
    this.errorCode = input.errorCode;
    this.attempts = input.attempts;
  }
}

/** A claim-checked body could not be stored or fetched. */
export class ClaimCheckError extends PublisherError {
  readonly bucket: string;
  readonly key: string;

  constructor(input: { bucket: string; key: string; reason: string }, options?: { cause?: unknown }) {
    super(
      PublisherErrorCode.ClaimCheck,
      `claim check s3://${input.bucket}/${input.key}: ${input.reason}`,
      options,
    );
    this.name = 'ClaimCheckError';
    this.bucket = input.bucket;
    this.key = input.key;
  }
}

/** A consumer received something that is not a message envelope of a publication. */
export class InvalidEnvelopeError extends PublisherError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(PublisherErrorCode.InvalidEnvelope, `not a dynamo-es message envelope: ${reason}`, options);
    this.name = 'InvalidEnvelopeError';
  }
}

const hasCode = (error: unknown, code: PublisherErrorCode): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;

/** @example if (isPublisherError(error)) console.log(error.code); */
export const isPublisherError = (error: unknown): error is PublisherError =>
  typeof error === 'object' &&
  error !== null &&
  Object.values(PublisherErrorCode).includes((error as { code?: unknown }).code as PublisherErrorCode);
/** @example if (isInvalidPublicationError(error)) console.log(error.field); */
export const isInvalidPublicationError = (error: unknown): error is InvalidPublicationError =>
  hasCode(error, PublisherErrorCode.InvalidPublication);
/** @example if (isInvalidMessageError(error)) console.log(error.eventType); */
export const isInvalidMessageError = (error: unknown): error is InvalidMessageError =>
  hasCode(error, PublisherErrorCode.InvalidMessage);
/** @example if (isMessageTooLargeError(error)) console.log(error.sizeBytes); */
export const isMessageTooLargeError = (error: unknown): error is MessageTooLargeError =>
  hasCode(error, PublisherErrorCode.MessageTooLarge);
/** @example if (isSinkRejectedError(error)) console.log(error.errorCode); */
export const isSinkRejectedError = (error: unknown): error is SinkRejectedError =>
  hasCode(error, PublisherErrorCode.SinkRejected);
/** @example if (isClaimCheckError(error)) console.log(error.key); */
export const isClaimCheckError = (error: unknown): error is ClaimCheckError =>
  hasCode(error, PublisherErrorCode.ClaimCheck);
/** @example if (isInvalidEnvelopeError(error)) console.log(error.message); */
export const isInvalidEnvelopeError = (error: unknown): error is InvalidEnvelopeError =>
  hasCode(error, PublisherErrorCode.InvalidEnvelope);
