import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { decodeValue, type EventShape, type StoredEvent } from '@dynamo-es/event-store';
import { encodeDocument } from './codec/document-codec.js';
import { createReadModelContext } from './engine/read-model-context.js';
import type { Projection } from './projection.js';

/**
 * Runs a projection over events in memory, in the order given, and returns its documents: the
 * same handlers, the same `ctx` semantics and the same value codec as in DynamoDB. For unit tests
 * of projections (given events, then documents), and as the reference the live read model must
 * equal. A handler that throws makes it throw.
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
  const ref = { name: projection.name, version: projection.version };
  const state = new Map<string, AttributeValue>();
  for (const [key, document] of initial) state.set(key, encodeDocument(ref, key, document).value);
  for (const event of events) {
    const { ctx, layer, close } = createReadModelContext(ref, async (key) => state.get(key));
    try {
      await projection.apply(event as StoredEvent, ctx);
    } finally {
      close();
    }
    for (const [key, change] of layer.changes) {
      if (change) state.set(key, change.value);
      else state.delete(key);
    }
  }
  return new Map([...state].map(([key, value]) => [key, decodeValue(value) as D]));
}
