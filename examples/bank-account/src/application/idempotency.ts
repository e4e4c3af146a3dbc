import type { EventMetadata, EventStore } from '@dynamo-es/event-store';
import { RequestIdReusedError } from './errors.js';
import type { BankEventMetadata } from './request.js';
import type { SeenEvent, TrackedAccount } from './tracked-account.js';

/**
 * How many of an account's latest events are searched for a retried request's events: a retry is
 * recognised as long as fewer than this many other events were appended to the account since the
 * original request. (Set the snapshot interval at or below it, so the common case reads nothing more.)
 */
export const IDEMPOTENCY_LOOKBACK = 100;

/**
 * Finds the stored event with `eventId` among the account's latest events: first among those the
 * account loaded; when it was loaded from a snapshot and so saw fewer than
 * {@link IDEMPOTENCY_LOOKBACK} events, also in one backward query of the events before the snapshot.
 *
 * @example
 * const prior = await findPriorEvent(store, account, `${requestId}:1`);
 * if (prior) return alreadyApplied(prior);
 */
export async function findPriorEvent(
  store: EventStore,
  account: TrackedAccount,
  eventId: string,
): Promise<SeenEvent | undefined> {
  const seen = account.seenEvent(eventId);
  if (seen !== undefined || account.snapshotVersion === 0) return seen;
  const covered = account.version - account.snapshotVersion;
  if (covered >= IDEMPOTENCY_LOOKBACK) return undefined;
  const earlier = store.read(account.id, {
    direction: 'backward',
    fromVersion: account.snapshotVersion,
    limit: IDEMPOTENCY_LOOKBACK - covered,
  });
  for await (const event of earlier) {
    if (event.eventId === eventId) return { version: event.version, metadata: event.metadata };
  }
  return undefined;
}

/**
 * Throws {@link RequestIdReusedError} unless `prior` was written by the same command (same
 * fingerprint) as the one being retried.
 */
export function assertSameRequest(
  prior: { readonly metadata: EventMetadata },
  requestId: string,
  requestHash: string | undefined,
): void {
  if (prior.metadata.requestHash !== requestHash) throw new RequestIdReusedError(requestId);
}

/**
 * Whether the events the store answered with were written by another command than this one. The
 * store recognises an append whose event ids are already stored (a request sent twice at once:
 * both decided before either wrote) and answers with the stored events instead of a conflict.
 *
 * @returns true when they are another command's (this request had already been applied).
 * @throws RequestIdReusedError when that command was not the same request.
 */
export function wasAppliedBefore(
  stored: { readonly metadata: EventMetadata } | undefined,
  metadata: BankEventMetadata,
): boolean {
  if (stored === undefined || stored.metadata.causationId === metadata.causationId) return false;
  if (metadata.requestId !== undefined) assertSameRequest(stored, metadata.requestId, metadata.requestHash);
  return true;
}
