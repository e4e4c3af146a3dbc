import { type FeedValidation, validateFeed } from '@dynamo-es/feed';
import { type Command, Option } from 'commander';
import { CommandFailedError } from '../errors.js';
import { type CliIo, printLine } from '../io.js';
import { integerAtLeast, jsonOption } from '../options.js';
import { formatCount, plural, toJson } from '../output/format.js';
import { formatTable } from '../output/table.js';
import { type Session, sessionAction } from '../session.js';
import { openFeed, segmentsOption } from './open-feed.js';

interface ValidateOptions {
  readonly segments?: number;
  readonly maxProblems?: number;
  readonly json?: boolean;
}

/** `dynamo-es feed validate`: exit 0 when the feed holds every event exactly once, in order; 1 otherwise. */
export function registerFeedValidateCommand(feed: Command, io: CliIo): void {
  feed
    .command('validate')
    .description('check that the feed holds every event of the events table exactly once, in order')
    .addOption(segmentsOption())
    .addOption(
      new Option('--max-problems <n>', 'problems listed at most (all are counted)').argParser(
        integerAtLeast(1),
      ),
    )
    .addOption(jsonOption('the report as one JSON object'))
    .addHelpText(
      'after',
      '\nExit codes: 0 the feed is complete and exact, 1 it is not (or a table is missing), 2 bad usage.\n' +
        'Run it on a quiet system, or expect the indexer\'s lag among "missing".\n\n' +
        'Examples:\n  dynamo-es feed validate --events-table bank-events\n  dynamo-es feed validate --json | jq .counts',
    )
    .action(sessionAction<ValidateOptions, []>(io, validate));
}

async function validate(session: Session<ValidateOptions>): Promise<void> {
  const { tables, options, io } = session;
  const feed = await openFeed(session);
  const report = await validateFeed({
    feed,
    ...(options.segments === undefined ? {} : { segments: options.segments }),
    ...(options.maxProblems === undefined ? {} : { maxProblems: options.maxProblems }),
  });
  if (options.json) printLine(io, toJson(report));
  else printReport(io, tables.feed, report);
  if (!report.ok) throw notExact(tables.feed, report);
}

/**
 * What to do depends on the problems: events only missing are the indexer's lag or a gap that
 * `feed rebuild` fills in place; anything else (duplicates, a broken type index, corruption) is in
 * items the feed never rewrites, so the way out is a fresh table.
 */
function notExact(feedTable: string, report: FeedValidation): CommandFailedError {
  const problems = Object.values(report.counts).reduce((sum, count) => sum + count, 0);
  const onlyMissing = problems === report.counts.missing;
  const advice = onlyMissing
    ? 'if the indexer is running, wait and validate again, else repair it with "dynamo-es feed rebuild"'
    : 'rebuild it into a fresh table: "dynamo-es tables create feed --feed-table <new>", then ' +
      '"dynamo-es feed rebuild --feed-table <new>", and point the indexer and readers at it';
  return new CommandFailedError(
    `the feed "${feedTable}" is not exact: ${plural(problems, 'problem')}; ${advice}`,
  );
}

function printReport(io: CliIo, feedTable: string, report: FeedValidation): void {
  printLine(
    io,
    `Feed "${feedTable}": ${formatCount(report.positions)} positions, ${plural(report.events, 'event')} in the events table, ${plural(report.streams, 'stream')}.`,
  );
  const kinds = Object.entries(report.counts).filter(([, count]) => count > 0);
  if (kinds.length === 0) {
    printLine(io, 'ok: every event is in the feed exactly once, each stream in order, positions contiguous.');
    return;
  }
  printLine(io);
  for (const line of formatTable(
    [{ heading: 'PROBLEM' }, { heading: 'COUNT', align: 'right' as const }],
    kinds.map(([kind, count]) => [kind, formatCount(count)]),
  ))
    printLine(io, line);
  printLine(io);
  for (const problem of report.problems)
    printLine(io, `${problem.kind}${problem.streamId ? ` ${problem.streamId}` : ''}: ${problem.detail}`);
}
