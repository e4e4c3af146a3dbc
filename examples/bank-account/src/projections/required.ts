import type { StoredEvent } from '@dynamo-es/event-store';

/**
 * The document an event's handler needs, or an error. Events of a stream are applied in version
 * order, so after `AccountOpened` the document exists; if it does not, the read model is broken and
 * the event must fail (and, after its retries, be dead-lettered) rather than build a wrong document.
 */
export function required<D>(document: D | undefined, key: string, event: StoredEvent): D {
  if (document === undefined) {
    throw new Error(
      `document "${key}" is missing while applying ${event.type} v${event.version} of ${event.streamId}`,
    );
  }
  return document;
}
