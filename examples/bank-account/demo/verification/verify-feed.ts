import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Feed, validateFeed } from '@dynamo-es/feed';
import type { AccountEvent } from '../../src/domain/bank-account.js';
import { auditTrail } from '../../src/feed/audit-trail.js';
import { scanEvents } from './scan-events.js';

/** What the feed check found. */
export interface FeedVerification {
  /** Positions in the feed, and events in the events table. */
  readonly positions: number;
  readonly events: number;
  /** Problems `validateFeed` found (missing, duplicate, out of order, type index, ...): 0 when exact. */
  readonly problems: number;
  /** Lines of the audit trail, read through the type index, and how many the events table says there are. */
  readonly auditLines: number;
  readonly auditExpected: number;
  /** Audit lines out of global order, or not an event of the store. */
  readonly auditMismatches: number;
}

/**
 * Checks the feed against the events table (`validateFeed`: every event exactly once, each account
 * in order, positions contiguous), and the audit trail, read by type from the feed, against a scan.
 */
export async function verifyFeed(
  client: DynamoDBClient,
  feed: Feed<AccountEvent>,
): Promise<FeedVerification> {
  const report = await validateFeed({ feed });
  const audit = await auditTrail(feed, { fromPosition: 0, limit: Number.MAX_SAFE_INTEGER });
  const stored = [...(await scanEvents(client, feed.eventStore.tableName)).values()].flat();
  const audited = new Set(['MoneyWithdrawn', 'TransferSent', 'AccountClosed']);
  const expected = new Set(
    stored.filter((e) => audited.has(e.type)).map((e) => `${e.streamId}@${e.version}`),
  );
  let mismatches = 0;
  audit.forEach((line, index) => {
    const inOrder = index === 0 || (audit[index - 1]?.position ?? 0) < line.position;
    if (!inOrder || !expected.has(`${line.accountId}@${line.version}`)) mismatches++;
  });
  return {
    positions: report.positions,
    events: report.events,
    problems: Object.values(report.counts).reduce((sum, count) => sum + count, 0),
    auditLines: audit.length,
    auditExpected: expected.size,
    auditMismatches: mismatches,
  };
}
