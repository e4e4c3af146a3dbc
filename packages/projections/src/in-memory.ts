import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { decodeValue, type EventShape, type StoredEvent } from '@dynamo-es/event-store';
import { encodeDocument } from './codec/document-codec.js';
import { applyStream, type DocumentState } from './engine/apply-stream.js';
import type { Projection } from './projection.js';

const RULES = { maxAttempts: 1, checkpointInterval: 1 };

/**
 * Runs a projection over events in memory, in the order given, and returns its documents: the
 * same engine, handlers, `ctx` semantics and value codec as in DynamoDB, over a map. For unit
 * tests of projections (given events, then documents), and as the reference the live read model
 * must equal. A handler that throws makes it throw.
 *
 * @example
 * const documents = await projectInMemory(accounts, [opened, deposited]);
 * expect(documents.get('account-1')).toEqual({ owner: 'Ada', balance: 10 });
 */
export async function projectInMemory<E extends EventShape, D>(
  projection: Projection<E, D>,
  events: readonly StoredEvent<E>[],
  initial: ReadonlyMap<string, D> = new Map(),
): Promise<Map<string, D>> {
  const documents = new Map<string, AttributeValue>();
  for (const [key, document] of initial) documents.set(key, encodeDocument(projection, key, document).value);
  const state: DocumentState = {
    read: async (key) => documents.get(key),
    budget: () => ({ items: 0, bytes: 0, fits: true }),
  };
  for (const event of events) {
    // Each event on its own, in the order given: no checkpoint, no reordering.
    const step = await applyStream({
      projection: projection as Projection,
      streamId: event.streamId,
      checkpoint: { version: event.version - 1 },
      events: [event as StoredEvent],
      state,
      rules: RULES,
      now: new Date(),
    });
    const [failure] = step.deadLetters;
    if (failure) throw failure.error;
    for (const [key, change] of step.changes) {
      if (change) documents.set(key, change.value);
      else documents.delete(key);
    }
  }
  return new Map([...documents].map(([key, value]) => [key, decodeValue(value) as D]));
}
