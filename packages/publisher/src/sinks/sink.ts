/**
 * A message ready to send: its envelope as JSON, with what sinks route and de-duplicate by.
 *
 * @example
 * const message: OutgoingMessage = { id: event.eventId, streamId, source: 'bank-public', type: 'bank.TransferSent', body };
 */
export interface OutgoingMessage {
  /** The event id: the message id, the FIFO de-duplication id. */
  readonly id: string;
  /** The event's stream: Kinesis partition key, FIFO message group. */
  readonly streamId: string;
  /** The publication's name (EventBridge `Source`). */
  readonly source: string;
  /** The public message type (EventBridge `DetailType`, the `type` message attribute). */
  readonly type: string;
  /** The envelope as JSON. */
  readonly body: string;
}

/** What one request of a sink takes. */
export interface SinkLimits {
  readonly maxEntries: number;
  /** All entries of one request together, as the service counts them. */
  readonly maxRequestBytes: number;
  /** One entry, as the service counts it: a message over this goes through the claim check. */
  readonly maxEntryBytes: number;
}

/** An entry the sink rejected in a request, with the service's error code. */
export interface EntryFailure {
  readonly id: string;
  readonly code: string;
  readonly message: string;
  /**
   * The service says the entry itself is at fault (SNS/SQS `SenderFault`, an EventBridge error
   * other than throttling or an internal failure): sending it again cannot succeed, so it is not
   * retried and its event is treated as poison (attempts, then a dead letter).
   */
  readonly permanent?: boolean;
}

/**
 * Where messages go: one request of up to `limits` entries at a time. Built by `kinesisSink`,
 * `eventBridgeSink`, `snsSink` or `sqsSink` around an injected AWS SDK v3 client.
 *
 * @example
 * const sink: Sink = kinesisSink({ client: new KinesisClient({}), streamName: 'bank-public' });
 */
export interface Sink {
  /** E.g. `kinesis:bank-public`: in logs and errors. */
  readonly name: string;
  readonly limits: SinkLimits;
  /** The size the service counts for the entry of `message` against the limits. */
  entryBytes(message: OutgoingMessage): number;
  /**
   * Sends one request (at most `limits`); resolves with the entries it rejected (none: all
   * accepted). A rejected promise means no entry is known to be accepted.
   */
  send(messages: readonly OutgoingMessage[]): Promise<readonly EntryFailure[]>;
}

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Entries the response named neither as accepted nor as failed: treat them as failed (safe: at least once). */
export function unanswered(
  messages: readonly OutgoingMessage[],
  answered: ReadonlySet<string>,
  failures: EntryFailure[],
): EntryFailure[] {
  for (const message of messages) {
    if (!answered.has(message.id)) {
      failures.push({
        id: message.id,
        code: 'MissingFromResponse',
        message: 'the response did not name this entry',
      });
    }
  }
  return failures;
}
