import type { StoredEvent } from '@dynamo-es/event-store';
import type { Projection, ReadModelContext } from '@dynamo-es/projections';
import { toEnvelope } from '../envelope.js';
import { MessageTooLargeError } from '../errors.js';
import type { Publication } from '../publication.js';
import type { OutgoingMessage, Sink } from '../sinks/sink.js';

/** A message mapped from an event of a stream, not sent yet. */
export interface MappedMessage extends OutgoingMessage {
  readonly version: number;
}

/** What a publication keeps in each stream's own item, beside the checkpoint. */
interface PublishedState {
  readonly lastPublished: number;
}

/** The name a publication's checkpoints and dead letters have in the read-model table. */
export const unitName = (publication: { readonly name: string }): string => `pub.${publication.name}`;

/** The reference of a publication's checkpoints and dead letters (`{ name: 'pub.<name>', version }`). */
export const unitRef = (publication: Publication) => ({
  name: unitName(publication),
  version: publication.version,
});

/**
 * A publication as a unit of the projections engine: its "handler" maps the event to a message
 * and keeps it in `mapped` (nothing is sent here, and no read-model document is changed). A mapping
 * that throws, returns a bad message, or one too large for the sink without a claim check, fails
 * the event like a projection handler that throws: attempts, then a dead letter and a parked stream.
 * Each stream's checkpoint is kept in an item of its own (`streamDocument`), written with one
 * conditional `PutItem`.
 */
export function publicationUnit(input: {
  readonly publication: Publication;
  readonly sink: Sink;
  readonly claimChecked: boolean;
  readonly mapped: Map<string, MappedMessage>;
  /** Events whose message the sink refused as such (`mappedKey`): they fail like a throwing mapping. */
  readonly poisoned?: ReadonlyMap<string, unknown>;
}): Projection {
  const { publication, sink, claimChecked, mapped, poisoned } = input;
  return Object.freeze({
    name: unitName(publication),
    version: publication.version,
    onPoisonEvent: publication.onPoisonEvent,
    eventTypes: publication.eventTypes,
    handles: publication.handles,
    apply: async (event: StoredEvent, ctx: ReadModelContext) => {
      const refused = poisoned?.get(mappedKey(event));
      if (refused !== undefined) throw refused;
      const message = publication.toMessage(event);
      if (message === undefined) return;
      // The stream's own item (which holds its checkpoint) remembers the last version published,
      // so each message names its predecessor: read with the checkpoint, written with it, no extra request.
      const last = await ctx.get<PublishedState>(event.streamId);
      const envelope = toEnvelope(publication.name, event, message, last?.lastPublished ?? 0);
      const outgoing: MappedMessage = {
        id: event.eventId,
        streamId: event.streamId,
        version: event.version,
        source: publication.name,
        type: envelope.type,
        body: JSON.stringify(envelope),
      };
      const size = sink.entryBytes(outgoing);
      if (!claimChecked && size > sink.limits.maxEntryBytes) {
        const limitBytes = sink.limits.maxEntryBytes;
        throw new MessageTooLargeError({
          messageId: outgoing.id,
          sink: sink.name,
          sizeBytes: size,
          limitBytes,
        });
      }
      ctx.put<PublishedState>(event.streamId, { lastPublished: event.version });
      mapped.set(mappedKey(event), outgoing);
    },
    prefetchKeys: () => [],
    streamDocument: (streamId: string) => streamId,
  });
}

export const mappedKey = (event: { readonly streamId: string; readonly version: number }): string =>
  `${event.version}\u0000${event.streamId}`;
