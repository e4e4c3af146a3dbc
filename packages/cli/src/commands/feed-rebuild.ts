import { rebuildFeed } from '@dynamo-es/feed';
import type { Command } from 'commander';
import { CommandFailedError } from '../errors.js';
import { type CliIo, printLine, printNote } from '../io.js';
import { jsonOption } from '../options.js';
import { formatCount, formatDuration, plural, toJson } from '../output/format.js';
import { type Session, sessionAction } from '../session.js';
import { openFeed, segmentsOption } from './open-feed.js';

interface RebuildOptions {
  readonly segments?: number;
  readonly json?: boolean;
}

/** `dynamo-es feed rebuild`: builds (or repairs) the feed from a scan of the events table. */
export function registerFeedRebuildCommand(feed: Command, io: CliIo): void {
  feed
    .command('rebuild')
    .description(
      'build the feed from the events table, or repair it (what it holds is kept); safe while the indexer runs',
    )
    .addOption(segmentsOption())
    .addOption(jsonOption('the result as one JSON object'))
    .addHelpText(
      'after',
      '\nCreate the feed table first ("dynamo-es tables create feed"). Exit codes: 0 every event is indexed,\n' +
        '1 some streams could not be (a version missing from the events table) or a table is missing, 2 bad usage.\n\n' +
        'Examples:\n  dynamo-es feed rebuild --events-table bank-events --feed-table bank-events-feed-2',
    )
    .action(sessionAction<RebuildOptions, []>(io, rebuild));
}

async function rebuild(session: Session<RebuildOptions>): Promise<void> {
  const { tables, options, io } = session;
  const feed = await openFeed(session);
  const result = await rebuildFeed({
    feed,
    ...(options.segments === undefined ? {} : { segments: options.segments }),
    onProgress: (progress) => {
      if (!options.json)
        printNote(io, `scanned ${formatCount(progress.scanned)}, indexed ${formatCount(progress.indexed)}`);
    },
  });
  const failed = [...result.failed].map(([streamId, error]) => ({
    streamId,
    error: (error as Error)?.message ?? String(error),
  }));
  if (options.json) printLine(io, toJson({ ...result, failed }));
  else {
    printLine(
      io,
      `Feed "${tables.feed}": indexed ${plural(result.indexed, 'event')} in ${plural(result.batches, 'batch', 'batches')}, ` +
        `${formatCount(result.duplicates)} already there, ${formatCount(result.scanned)} scanned in ${formatDuration(result.elapsedMs)}.`,
    );
    for (const { streamId, error } of failed) printLine(io, `not indexed: ${streamId}: ${error}`);
  }
  if (failed.length > 0) {
    throw new CommandFailedError(
      `${plural(failed.length, 'stream')} could not be indexed (listed above); fix the events table, then run "dynamo-es feed rebuild" again`,
    );
  }
}
