import type { StoredEvent } from '@dynamo-es/event-store';
import type { Projection } from '../projection.js';
import { createReadModelContext, type DocumentChange, type DocumentReader } from './read-model-context.js';

/**
 * What running one event's handler gave: its document changes; or the handler's error (the
 * event's fault: it counts as an attempt); or a failed document read (DynamoDB's fault: the event
 * is retried without counting an attempt, even if the handler caught the error).
 */
export type EventResult =
  | { readonly kind: 'applied'; readonly changes: ReadonlyMap<string, DocumentChange> }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'unavailable'; readonly error: unknown };

/**
 * Runs the projection's handler of `event` over a fresh layer on top of `read`: the one place
 * where a handler runs, for every driver (Lambda, catch-up, replay, rebuild, in memory). Nothing
 * the handler did is kept unless it returned; what it changed is returned, not applied.
 */
export async function applyEvent(
  projection: Projection,
  event: StoredEvent,
  read: DocumentReader,
): Promise<EventResult> {
  const { ctx, layer, close } = createReadModelContext(projection, read);
  let handlerError: { error: unknown } | undefined;
  try {
    await projection.apply(event, ctx);
  } catch (error) {
    handlerError = { error };
  } finally {
    close();
  }
  if (layer.readError !== undefined) return { kind: 'unavailable', error: layer.readError };
  if (handlerError) return { kind: 'failed', error: handlerError.error };
  return { kind: 'applied', changes: layer.changes };
}
