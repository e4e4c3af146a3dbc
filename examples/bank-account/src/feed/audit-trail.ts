import type { Feed } from '@dynamo-es/feed';
import type { AccountEvent } from '../domain/bank-account.js';

/** One line of the audit trail: money leaving an account, or an account closing. */
export interface AuditLine {
  /** The event's global position: the audit trail's order across every account. */
  readonly position: number;
  readonly accountId: string;
  /** The event's version in the account's stream. */
  readonly version: number;
  readonly type: 'MoneyWithdrawn' | 'TransferSent' | 'AccountClosed';
  /** Minor units; 0 for a closing. */
  readonly amount: number;
  readonly recordedAt: string;
}

const AUDITED = ['MoneyWithdrawn', 'TransferSent', 'AccountClosed'] as const;

/**
 * The bank-wide audit trail: every withdrawal, outgoing transfer and closing, in the order the
 * bank recorded them, from a position on. It reads the feed's type index, so deposits (most of the
 * events) are never read, and no read model has to be kept for it.
 *
 * @example
 * const page = await auditTrail(feed, { fromPosition: 0, limit: 50 });
 * const next = await auditTrail(feed, { fromPosition: (page.at(-1)?.position ?? 0) + 1, limit: 50 });
 */
export async function auditTrail(
  feed: Feed<AccountEvent>,
  options: { readonly fromPosition: number; readonly limit: number },
): Promise<AuditLine[]> {
  const lines: AuditLine[] = [];
  const read = feed.readAll({ fromPosition: options.fromPosition, filter: { types: AUDITED } });
  for await (const event of read) {
    lines.push({
      position: event.position,
      accountId: event.streamId,
      version: event.version,
      type: event.type as AuditLine['type'],
      amount: 'amount' in event.data ? Number(event.data.amount) : 0,
      recordedAt: event.recordedAt,
    });
    if (lines.length === options.limit) break;
  }
  return lines;
}
