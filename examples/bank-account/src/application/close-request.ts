import type { Decider } from '@dynamo-es/aggregate';
import { type CloseAccount, closeAccountDecider } from '../domain/close-account.js';
import type { AccountEvent, AccountState } from '../domain/events.js';

/** The domain's {@link CloseAccount} command, with the client's request id. */
export interface CloseRequest {
  readonly command: CloseAccount;
  readonly requestId?: string;
}

/**
 * The domain's {@link closeAccountDecider}, unchanged, except that the events it decides get ids
 * derived from the request id (`<requestId>:1`), so a retried close is recognised. (The decider
 * returns domain events; the command handler hands them to the store as they are, so an `eventId`
 * property on one becomes the stored event's id.)
 */
export const closeRequestDecider: Decider<AccountState, CloseRequest, AccountEvent> = {
  initialState: closeAccountDecider.initialState,
  evolve: closeAccountDecider.evolve,
  decide: (request, state) => {
    const decided = closeAccountDecider.decide(request.command, state);
    const events: readonly AccountEvent[] = Array.isArray(decided) ? decided : [decided as AccountEvent];
    const { requestId } = request;
    if (requestId === undefined) return events;
    return events.map(
      (event, index) => ({ ...event, eventId: `${requestId}:${index + 1}` }) as unknown as AccountEvent,
    );
  },
};
