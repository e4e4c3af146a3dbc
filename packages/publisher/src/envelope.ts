import { assertJsonValue, type StoredEvent } from '@dynamo-es/event-store';
import { InvalidEnvelopeError, InvalidMessageError } from './errors.js';
import type { IntegrationMessage } from './publication.js';

/** Where a claim-checked body is: the message carries this instead of `data`. */
export interface ClaimCheckReference {
  readonly bucket: string;
  readonly key: string;
  /** Size of the stored envelope in bytes. */
  readonly bytes: number;
}

/**
 * What goes on the wire (as JSON): the integration message with the facts a consumer needs to
 * de-duplicate (`id`, the event id: the same on every retry) and order it (`streamId`, `streamVersion`).
 *
 * @example
 * const envelope = parseEnvelope(record.body);
 * if (envelope.type === 'bank.TransferSent' && envelope.version === 1) handle(envelope.data);
 */
export interface MessageEnvelope<D = unknown> {
  /** The event id: a stable message id, the de-duplication key of FIFO targets and consumers. */
  readonly id: string;
  readonly type: string;
  readonly version: number;
  /** The publication's name. */
  readonly source: string;
  readonly streamId: string;
  readonly streamVersion: number;
  /**
   * `streamVersion` of the publication's previous message of this stream (0: the first): a
   * consumer applies a message once it has applied that one, so it orders them exactly over a
   * transport that does not (EventBridge, standard SNS and SQS), and sees a gap if one was lost.
   */
  readonly previousVersion: number;
  /** When the event was recorded (ISO-8601). */
  readonly time: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** Absent when the body was claim-checked: see `claimCheck` and `resolveClaimCheck`. */
  readonly data?: D;
  readonly claimCheck?: ClaimCheckReference;
}

const MAX_TYPE_LENGTH = 128;

/** The envelope of an event's message, checked: a bad message is the event's fault (it is poison). */
export function toEnvelope(
  source: string,
  event: StoredEvent,
  message: IntegrationMessage,
  previousVersion: number,
): MessageEnvelope {
  const fail = (reason: string) => new InvalidMessageError(event, reason);
  if (typeof message !== 'object' || message === null) throw fail(`returned ${String(message)}`);
  const { type, version, data } = message;
  if (typeof type !== 'string' || type.length === 0 || type.length > MAX_TYPE_LENGTH) {
    throw fail(`returned the type ${JSON.stringify(type)} (1-${MAX_TYPE_LENGTH} characters expected)`);
  }
  if (!Number.isSafeInteger(version) || version < 1) throw fail(`returned the version ${String(version)}`);
  try {
    assertJsonValue(data, 'data');
  } catch (error) {
    throw fail(`returned data that is not plain JSON (${(error as Error).message})`);
  }
  const { correlationId, causationId } = event.metadata ?? {};
  return {
    id: event.eventId,
    type,
    version,
    source,
    streamId: event.streamId,
    streamVersion: event.version,
    previousVersion,
    time: event.recordedAt,
    ...(typeof correlationId === 'string' ? { correlationId } : {}),
    ...(typeof causationId === 'string' ? { causationId } : {}),
    data,
  };
}

/**
 * Parses a message body a publisher sent (consumers: the SQS body, the SNS message, Kinesis data).
 *
 * @throws InvalidEnvelopeError when it is not JSON or lacks the envelope's fields.
 * @example
 * const envelope = parseEnvelope(sqsRecord.body);
 */
export function parseEnvelope(body: string): MessageEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (cause) {
    throw new InvalidEnvelopeError('the body is not JSON', { cause });
  }
  if (typeof value !== 'object' || value === null)
    throw new InvalidEnvelopeError('the body is not an object');
  const envelope = value as Partial<MessageEnvelope>;
  for (const field of ['id', 'type', 'source', 'streamId', 'time'] as const) {
    if (typeof envelope[field] !== 'string' || envelope[field] === '') {
      throw new InvalidEnvelopeError(`"${field}" is missing or not a string`);
    }
  }
  for (const field of ['version', 'streamVersion'] as const) {
    if (!Number.isSafeInteger(envelope[field]) || (envelope[field] as number) < 1) {
      throw new InvalidEnvelopeError(`"${field}" is missing or not a positive integer`);
    }
  }
  const previous = envelope.previousVersion;
  if (
    !Number.isSafeInteger(previous) ||
    (previous as number) < 0 ||
    (previous as number) >= (envelope.streamVersion as number)
  ) {
    throw new InvalidEnvelopeError(
      '"previousVersion" is missing or not an integer from 0 to streamVersion - 1',
    );
  }
  if (!('data' in envelope) && envelope.claimCheck === undefined) {
    throw new InvalidEnvelopeError('it has neither "data" nor "claimCheck"');
  }
  return envelope as MessageEnvelope;
}
