import type { HistoryEvent } from '@dynamo-es/aggregate';
import type { EventMetadata, NewEventOf } from '@dynamo-es/event-store';
import { BankAccount } from '../domain/bank-account.js';
import type { AccountEvent, AccountState } from '../domain/events.js';

/** What the application remembers of a stored event it loaded: enough to recognise a retried request. */
export interface SeenEvent {
  readonly version: number;
  readonly metadata: EventMetadata;
}

/**
 * A {@link BankAccount} as the application layer uses it: the domain stays free of request ids,
 * while this subclass
 * - stamps the events a command raises with ids derived from the client's request id
 *   (`<requestId>:<n>`), so the store recognises a retried append of the same events, and
 * - remembers the ids of the stored events it loaded (and of those read when catching up after
 *   a conflict), so a request that was already applied is recognised before deciding again.
 */
export class TrackedAccount extends BankAccount {
  readonly #seen = new Map<string, SeenEvent>();
  #snapshotVersion = 0;
  #requestId: string | undefined;
  #firstEventNumber = 1;

  /** Version of the snapshot the account was loaded from (0: it was replayed from its first event). */
  get snapshotVersion(): number {
    return this.#snapshotVersion;
  }

  /** The stored event with this id, if it was among the events loaded. */
  seenEvent(eventId: string): SeenEvent | undefined {
    return this.#seen.get(eventId);
  }

  /**
   * Events raised from now on get ids `<requestId>:<first>`, `<requestId>:<first + 1>`, ... Call it
   * at the start of every attempt of a command (a retried attempt raises the same ids again).
   */
  stampEventIds(requestId: string | undefined, first = 1): void {
    this.#requestId = requestId;
    this.#firstEventNumber = first;
  }

  override loadFromHistory(events: Iterable<HistoryEvent<AccountEvent>>): void {
    const list = [...events];
    let version = this.version;
    for (const event of list) {
      version += 1;
      const { eventId, metadata } = event as { eventId?: unknown; metadata?: EventMetadata };
      if (typeof eventId === 'string') this.#seen.set(eventId, { version, metadata: metadata ?? {} });
    }
    super.loadFromHistory(list);
  }

  override restoreSnapshot(snapshot: { readonly state: AccountState; readonly version: number }): void {
    super.restoreSnapshot(snapshot);
    this.#snapshotVersion = snapshot.version;
  }

  protected override raise(event: NewEventOf<AccountEvent>): void {
    if (this.#requestId === undefined) {
      super.raise(event);
      return;
    }
    const eventId = `${this.#requestId}:${this.#firstEventNumber + this.uncommittedEvents.length}`;
    super.raise({ ...event, eventId } as NewEventOf<AccountEvent>);
  }
}
