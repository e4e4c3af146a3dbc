import type { EventBridgeClient, PutEventsRequest, PutEventsResponse } from '@aws-sdk/client-eventbridge';
import { InvalidPublicationError } from '../errors.js';
import { type EntryFailure, type OutgoingMessage, type Sink, type SinkLimits, utf8Bytes } from './sink.js';

/**
 * The SDK's commands, loaded on first use: the client is an optional peer dependency, so
 * importing `@dynamo-es/publisher` must not need it unless this sink is used.
 */
const sdk = () => import('@aws-sdk/client-eventbridge');

/** EventBridge `PutEvents`: 10 entries, 256 KB per call (entries counted as AWS documents it). */
export const EVENTBRIDGE_LIMITS: SinkLimits = {
  maxEntries: 10,
  maxRequestBytes: 256 * 1024,
  maxEntryBytes: 256 * 1024,
};

/**
 * Options of {@link eventBridgeSink}.
 *
 * @example
 * const options: EventBridgeSinkOptions = { client: new EventBridgeClient({}), eventBusName: 'bank' };
 */
export interface EventBridgeSinkOptions {
  readonly client: EventBridgeClient;
  readonly eventBusName: string;
  /** `Source` of every entry (default: the publication's name). */
  readonly source?: string;
}

/** The `PutEvents` request: `DetailType` = message type, `Detail` = the envelope. Pure. */
export function putEventsInput(
  options: { eventBusName: string; source?: string },
  messages: readonly OutgoingMessage[],
): PutEventsRequest {
  return {
    Entries: messages.map((message) => ({
      EventBusName: options.eventBusName,
      Source: options.source ?? message.source,
      DetailType: message.type,
      Detail: message.body,
    })),
  };
}

// Entry errors that a later attempt may not get; any other code is about the entry itself.
const TRANSIENT_ENTRY_ERRORS = new Set(['InternalFailure', 'ThrottlingException', 'ServiceUnavailable']);

/** The entries a `PutEvents` response rejected (`ErrorCode` on the entry at the same index). Pure. */
export function putEventsFailures(
  messages: readonly OutgoingMessage[],
  output: PutEventsResponse,
): EntryFailure[] {
  const entries = output.Entries ?? [];
  const failures: EntryFailure[] = [];
  messages.forEach((message, index) => {
    const entry = entries[index];
    if (!entry)
      failures.push({ id: message.id, code: 'MissingFromResponse', message: 'no entry at this index' });
    else if (entry.ErrorCode || !entry.EventId) {
      const code = entry.ErrorCode ?? 'Unknown';
      const permanent = entry.ErrorCode !== undefined && !TRANSIENT_ENTRY_ERRORS.has(entry.ErrorCode);
      failures.push({
        id: message.id,
        code,
        message: entry.ErrorMessage ?? '',
        ...(permanent ? { permanent } : {}),
      });
    }
  });
  return failures;
}

/**
 * An EventBridge sink (`PutEvents`). EventBridge does not de-duplicate: consumers de-duplicate by
 * the envelope's `id`. IAM: `events:PutEvents` on the bus.
 *
 * @example
 * const sink = eventBridgeSink({ client: new EventBridgeClient({}), eventBusName: 'bank' });
 */
export function eventBridgeSink(options: EventBridgeSinkOptions): Sink {
  if (typeof options?.client?.send !== 'function') {
    throw new InvalidPublicationError(
      'sink.client',
      'expected an EventBridgeClient from @aws-sdk/client-eventbridge',
    );
  }
  if (typeof options.eventBusName !== 'string' || options.eventBusName === '') {
    throw new InvalidPublicationError('sink.eventBusName', 'expected the event bus name or ARN');
  }
  if (options.source !== undefined && (typeof options.source !== 'string' || options.source === '')) {
    throw new InvalidPublicationError('sink.source', 'expected a non-empty string');
  }
  return {
    name: `eventbridge:${options.eventBusName}`,
    limits: EVENTBRIDGE_LIMITS,
    // AWS's entry size: Source + DetailType + Detail (+ Resources, none; + 14 bytes for Time, unset).
    entryBytes: (message) =>
      utf8Bytes(options.source ?? message.source) + utf8Bytes(message.type) + utf8Bytes(message.body),
    send: async (messages) =>
      putEventsFailures(
        messages,
        await options.client.send(new (await sdk()).PutEventsCommand(putEventsInput(options, messages))),
      ),
  };
}
