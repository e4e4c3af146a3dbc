import type { StreamRunnerStats } from '@dynamo-es/stream-runner';
import type { BankTables } from '../../src/app/tables.js';
import { formatMoney } from '../../src/domain/money.js';
import type { BankTotals } from '../../src/projections/bank-totals.js';
import type { FeedVerification } from '../verification/verify-feed.js';
import type { Verification } from '../verification/verify-read-models.js';
import type { SagaVerification } from '../verification/verify-sagas.js';
import type { ScenarioOptions } from './options.js';
import { type PublicationReport, publicationFailures, publicationLines } from './publication-report.js';
import type { ScenarioStats } from './run-scenario.js';
import { DEMO_APPROVAL_LIMIT } from './workload.js';

/** Everything the main job measured. */
export interface RunReport {
  readonly endpoint: string;
  readonly tables: BankTables;
  readonly options: ScenarioOptions;
  readonly stats: ScenarioStats;
  readonly startupMs: number;
  /** From the last command until the projections had applied every event (or gave up waiting). */
  readonly catchUpMs: number;
  readonly caughtUp: boolean;
  /** Age of the oldest event not yet projected, sampled during the run. */
  readonly lag: { readonly maxMs: number; readonly meanMs: number };
  readonly runner: StreamRunnerStats;
  /** Warnings and errors the projection handler logged (retries, dead letters). */
  readonly projectionLogs: number;
  readonly verification: Verification;
  /** The feed, checked against the events table, and the audit trail read from it by type. */
  readonly feed: FeedVerification & { readonly caughtUp: boolean; readonly logs: number };
  readonly totals: BankTotals;
  /** The bank's public messages on Kinesis, and fraud-watch's read model built from them. */
  readonly publication?: PublicationReport;
  /** The large transfers (the saga), checked against the store. */
  readonly sagas: SagaVerification;
  readonly totalMs: number;
}

const n = (value: number) => Math.round(value).toLocaleString('en-US');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rate = (count: number, ms: number) => n(count / Math.max(ms / 1000, 0.001));

/** Why the run failed; empty when it passed. */
export function failures(report: RunReport): string[] {
  const { stats, verification: v } = report;
  const reasons: string[] = [];
  if (!report.caughtUp) reasons.push(`projections did not catch up within ${s(report.catchUpMs)}`);
  if (v.mismatchCount > 0) reasons.push(`${v.mismatchCount} read-model mismatches`);
  if (v.integrityProblemCount > 0) reasons.push(`${v.integrityProblemCount} broken store invariants`);
  if (v.deadLetters > 0) reasons.push(`${v.deadLetters} dead-lettered events`);
  if (stats.errors > 0) reasons.push(`${stats.errors} server errors (5xx)`);
  const { feed } = report;
  if (!feed.caughtUp) reasons.push('the feed indexer did not catch up');
  if (feed.problems > 0) reasons.push(`${feed.problems} feed problems (validateFeed)`);
  if (feed.auditMismatches > 0 || feed.auditLines !== feed.auditExpected)
    reasons.push(
      `audit trail: ${feed.auditLines} lines for ${feed.auditExpected} events, ${feed.auditMismatches} wrong`,
    );
  if (stats.idempotencyFailures > 0)
    reasons.push(`${stats.idempotencyFailures} retried requests not recognised`);
  if (report.publication) reasons.push(...publicationFailures(report.publication));
  const { sagas } = report;
  if (sagas.unfinished > 0) reasons.push(`${sagas.unfinished} large transfers never ended`);
  if (sagas.problems.length > 0) reasons.push(`${sagas.problems.length} large-transfer problems`);
  return reasons;
}

/** The report, as printed at the end of `npm start`. */
export function formatReport(report: RunReport): string {
  const { stats, verification: v, runner } = report;
  const refused = [...stats.refused]
    .sort((a, b) => b[1] - a[1])
    .map(([code, count]) => `${code} ${n(count)}`);
  const reasons = failures(report);
  const kinds = stats.byKind;
  const lines = [
    '',
    `dynamo-es bank — DynamoDB Local at ${report.endpoint}, tables ${report.tables.events} / ${report.tables.snapshots} / ${report.tables.idempotency} / ${report.tables.readModels} / ${report.tables.events}-feed`,
    `  accounts opened      ${n(stats.opened)} in ${s(stats.openMs)} (${rate(stats.opened, stats.openMs)}/s)`,
    `  commands             ${n(stats.commands)} in ${s(stats.commandMs)}: ${rate(stats.commands, stats.commandMs)} commands/s, concurrency ${report.options.concurrency}`,
    `                       ${n(kinds.deposit)} deposits, ${n(kinds.withdraw)} withdrawals, ${n(kinds.transfer)} transfers, ${n(kinds['large-transfer'])} large transfers, ${n(kinds.decide)} approval decisions, ${n(kinds.close)} drain-and-close, ${n(kinds.resend)} re-sent, ${n(kinds['double-send'])} sent twice at once`,
    `  events appended      ${n(v.events)} to accounts: ${rate(v.events, stats.openMs + stats.commandMs)} events/s (${n(v.transfers)} transfers, each one atomic append to two streams)`,
    `  answers              ${n(stats.succeeded)} ok (${n(stats.replayed)} recognised as already applied), ${n(sum(stats.refused))} refused by the bank's rules${refused.length ? ` (${refused.join(', ')})` : ''}, ${n(stats.gaveUp)} gave up after retries (409), ${n(stats.errors)} errors (5xx)`,
    `  conflicts retried    ${n(stats.conflictsRetried)} (${n(stats.transferConflictsRetried)} in transfers): lost a race, re-read only the new events, decided again`,
    `  idempotency          ${n(stats.resent)} requests re-sent with their request id, ${n(stats.idempotencyFailures)} not recognised`,
    `  projection lag       mean ${s(report.lag.meanMs)}, max ${s(report.lag.maxMs)} (age of the oldest event not yet projected); caught up ${s(report.catchUpMs)} after the last command`,
    `  projections          3 read models, ${n(runner.recordsAcknowledged)} stream records in ${n(runner.batches)} batches, ${n(runner.retries)} redeliveries, ${n(report.projectionLogs)} warnings, ${n(v.deadLetters)} dead letters`,
    `  verification         ${n(v.summariesChecked)} account summaries, ${n(v.movementsChecked)} statement lines in ${n(v.statementPagesChecked)} pages, bank totals, ${n(v.accountsCheckedOverHttp)} accounts over HTTP, store invariants: ${n(v.mismatchCount)} mismatches, ${n(v.integrityProblemCount)} broken invariants`,
    `  feed                 ${n(report.feed.positions)} positions for ${n(report.feed.events)} events, validated: ${n(report.feed.problems)} problems; audit trail of ${n(report.feed.auditLines)} withdrawals, transfers out and closings read by type, in global order, ${n(report.feed.auditMismatches)} wrong`,
    `  large transfers      ${n(report.sagas.requested)} above ${(DEMO_APPROVAL_LIMIT / 100).toFixed(2)} went through the saga (hold, approval, send or release): ${Object.entries(
      report.sagas.outcomes,
    )
      .sort((a, b) => b[1] - a[1])
      .map(([outcome, count]) => `${n(count)} ${outcome}`)
      .join(
        ', ',
      )}; ${n(report.sagas.deadlinesFired)} deadlines fired; ${n(report.sagas.unfinished)} unfinished, ${n(report.sagas.problems.length)} problems`,
    `  bank                 ${n(report.totals.openAccounts)} open accounts, ${n(report.totals.closedAccounts)} closed; ${Object.entries(
      report.totals.currencies,
    )
      .map(
        ([currency, t]) =>
          `${currency} ${formatMoney(t.balance, currency)} in accounts (deposited ${formatMoney(t.deposited, currency)})`,
      )
      .join('; ')}`,
    ...(report.publication ? publicationLines(report.publication) : []),
    `  total time           ${s(report.totalMs)} (DynamoDB Local and tables ${s(report.startupMs)})`,
  ];
  for (const mismatch of v.mismatches) {
    lines.push(
      `  MISMATCH ${mismatch.readModel} ${mismatch.key}: expected ${JSON.stringify(mismatch.expected)}, got ${JSON.stringify(mismatch.actual)}`,
    );
  }
  for (const problem of v.integrityProblems)
    lines.push(`  BROKEN ${problem.rule} in ${problem.streamId}: ${problem.detail}`);
  for (const sample of stats.errorSamples) lines.push(`  ERROR ${sample}`);
  for (const problem of report.sagas.problems.slice(0, 10)) lines.push(`  SAGA ${problem}`);
  lines.push(
    reasons.length === 0
      ? 'RESULT: OK, every read model matches the event store'
      : `RESULT: FAILED: ${reasons.join('; ')}`,
  );
  return lines.join('\n');
}

function sum(counts: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  return total;
}
