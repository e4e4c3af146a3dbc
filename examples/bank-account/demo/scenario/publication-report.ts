import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type FraudWatchVerification, verifyFraudWatch } from '../verification/verify-fraud-watch.js';
import type { LocalPublication, PublicationStats } from './publication-runner.js';

/** The bank's publication and fraud-watch, as the report shows them. */
export interface PublicationReport extends PublicationStats {
  readonly caughtUp: boolean;
  readonly logs: number;
  readonly verification: FraudWatchVerification;
}

/**
 * Waits until the publication and fraud-watch have caught up (or `timeoutMs` passed), then checks
 * fraud-watch's read model against the bank's events table.
 */
export async function checkPublication(
  publication: LocalPublication,
  client: DynamoDBClient,
  eventsTable: string,
  timeoutMs: number,
): Promise<PublicationReport> {
  const caughtUp = await publication.waitForCaughtUp(timeoutMs).then(
    () => true,
    () => false,
  );
  const verification = await verifyFraudWatch(client, eventsTable, publication.fraudWatch);
  return { ...publication.stats(), caughtUp, logs: publication.logs().length, verification };
}

const n = (value: number) => Math.round(value).toLocaleString('en-US');

/** Why the publication part failed; empty when it passed. */
export function publicationFailures(report: PublicationReport): string[] {
  const { verification: v } = report;
  const reasons: string[] = [];
  if (!report.caughtUp) reasons.push('the publication or fraud-watch did not catch up');
  if (v.mismatches.length > 0) reasons.push(`${v.mismatches.length} fraud-watch mismatches`);
  if (report.applied !== v.messagesExpected)
    reasons.push(`fraud-watch applied ${report.applied} messages for ${v.messagesExpected} published events`);
  if (report.published < v.messagesExpected)
    reasons.push(`${report.published} messages published for ${v.messagesExpected} selected events`);
  return reasons;
}

/** The report's lines for the publication and fraud-watch. */
export function publicationLines(report: PublicationReport): string[] {
  const { verification: v, poller } = report;
  const lines = [
    `  published            ${n(report.published)} messages (bank.transfer.sent.v1, bank.transfer.received.v1, bank.account.closed.v1) for ${n(v.messagesExpected)} selected events, to Kinesis (kinesalite) in ${n(report.publisherRequests)} PutRecords`,
    `  fraud-watch          ${n(poller.delivered)} records delivered in ${n(poller.invocations)} invocations (${n(poller.redelivered)} delivered twice on purpose): ${n(report.applied)} applied, ${n(report.duplicates)} duplicates suppressed, ${n(report.failed)} redelivered after a failure`,
    `  fraud-watch check    ${n(v.accountsChecked)} accounts (transfers out and in, closed) and ${n(v.flaggedExpected)} flagged, against the bank's events: ${n(v.mismatches.length)} mismatches, ${n(report.logs)} warnings`,
  ];
  for (const mismatch of v.mismatches.slice(0, 10)) {
    lines.push(
      `  MISMATCH fraud-watch ${mismatch.key}: expected ${JSON.stringify(mismatch.expected)}, got ${JSON.stringify(mismatch.actual)}`,
    );
  }
  return lines;
}
