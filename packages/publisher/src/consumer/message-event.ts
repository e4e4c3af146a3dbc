import type { StoredEvent } from '@dynamo-es/event-store';
import type { MessageEnvelope } from '../envelope.js';

/**
 * A message as the event a consumer's projections see: `type` and `data` of the public contract,
 * the source stream's id and version, the message id as `eventId`, the contract version as
 * `schemaVersion`, and `metadata.source` (the publication) with the correlation ids.
 *
 * @example
 * type BankMessage = { type: 'bank.TransferSent'; data: { transferId: string; amount: number } };
 * const transfers = defineProjection<BankMessage, Totals>({ name: 'transfers', handlers: { 'bank.TransferSent': onTransfer } });
 */
export function messageEvent(envelope: MessageEnvelope): StoredEvent {
  return {
    streamId: envelope.streamId,
    version: envelope.streamVersion,
    eventId: envelope.id,
    type: envelope.type,
    data: envelope.data,
    metadata: {
      source: envelope.source,
      ...(envelope.correlationId === undefined ? {} : { correlationId: envelope.correlationId }),
      ...(envelope.causationId === undefined ? {} : { causationId: envelope.causationId }),
    },
    recordedAt: envelope.time,
    schemaVersion: envelope.version,
  };
}

/** The consumer's checkpoint key of a source stream: streams of two publications never share one. */
export const sourceStreamKey = (envelope: Pick<MessageEnvelope, 'source' | 'streamId'>): string =>
  `${envelope.source}|${envelope.streamId}`;
