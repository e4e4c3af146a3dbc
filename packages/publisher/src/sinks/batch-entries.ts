import { boundedKey } from './keys.js';
import { type EntryFailure, type OutgoingMessage, unanswered, utf8Bytes } from './sink.js';

/** SNS and SQS: 10 entries and 256 KB (message bodies and attributes together) per batch call. */
export const MESSAGE_BATCH_LIMITS = {
  maxEntries: 10,
  maxRequestBytes: 256 * 1024,
  maxEntryBytes: 256 * 1024,
} as const;

const MAX_FIFO_ID = 128;
export const TYPE_ATTRIBUTE = 'type';

/** Batch entry ids are the entry's index: ids of 80 characters at most, unique within the call. */
export const entryId = (index: number): string => `m${index}`;

/** What SNS and SQS FIFO need: the group (stream id: per-stream order) and the de-duplication id (event id). */
export const fifoFields = (message: OutgoingMessage) => ({
  MessageGroupId: boundedKey(message.streamId, MAX_FIFO_ID),
  MessageDeduplicationId: boundedKey(message.id, MAX_FIFO_ID),
});

/** The `type` message attribute, for subscription filter policies and consumers. */
export const typeAttribute = (message: OutgoingMessage) => ({
  [TYPE_ATTRIBUTE]: { DataType: 'String', StringValue: message.type },
});

/** Size SNS and SQS count: the body and each attribute's name, data type and value. */
export const batchEntryBytes = (message: OutgoingMessage): number =>
  utf8Bytes(message.body) + TYPE_ATTRIBUTE.length + 'String'.length + utf8Bytes(message.type);

/** The entries of a `Successful` / `Failed` batch response that failed, by message id. Pure. */
export function batchFailures(
  messages: readonly OutgoingMessage[],
  output: {
    readonly Successful?: readonly { readonly Id?: string | undefined }[] | undefined;
    readonly Failed?:
      | readonly {
          readonly Id?: string | undefined;
          readonly Code?: string | undefined;
          readonly Message?: string | undefined;
          readonly SenderFault?: boolean | undefined;
        }[]
      | undefined;
  },
): EntryFailure[] {
  const byEntry = new Map(messages.map((message, index) => [entryId(index), message.id]));
  const answered = new Set<string>();
  const failures: EntryFailure[] = [];
  for (const entry of output.Successful ?? []) {
    const id = entry.Id === undefined ? undefined : byEntry.get(entry.Id);
    if (id !== undefined) answered.add(id);
  }
  for (const entry of output.Failed ?? []) {
    const id = entry.Id === undefined ? undefined : byEntry.get(entry.Id);
    if (id === undefined) continue;
    answered.delete(id);
    failures.push({
      id,
      code: entry.Code ?? 'Unknown',
      message: entry.Message ?? '',
      ...(entry.SenderFault === true ? { permanent: true } : {}),
    });
  }
  const failed = new Set(failures.map((failure) => failure.id));
  return unanswered(messages, new Set([...answered, ...failed]), failures);
}
