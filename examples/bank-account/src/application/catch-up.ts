import type { EventStore, StoredEvent } from '@dynamo-es/event-store';
import type { AccountEvent } from '../domain/events.js';
import type { TrackedAccount } from './tracked-account.js';

/**
 * Brings an account that lost a race up to date: drops its uncommitted events and reads only the
 * events after the version it has, never its whole stream again. (What `AggregateRepository.update`
 * does internally; a transfer needs it for one of its two accounts.)
 */
export async function catchUp(store: EventStore, account: TrackedAccount): Promise<void> {
  account.discardChanges();
  const events: StoredEvent<AccountEvent>[] = [];
  for await (const event of store.read<AccountEvent>(account.id, { fromVersion: account.version + 1 }))
    events.push(event);
  account.loadFromHistory(events);
}
