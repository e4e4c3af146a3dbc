import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { tableOption } from '../options.js';
import { registerFeedRebuildCommand } from './feed-rebuild.js';
import { registerFeedValidateCommand } from './feed-validate.js';

/** `dynamo-es feed validate | rebuild`: the feed of `@dynamo-es/feed`, checked or built from the events table. */
export function registerFeedCommands(program: Command, io: CliIo): void {
  const feed = program
    .command('feed')
    .description(
      'validate the feed (global positions) against the events table, or rebuild it from that table',
    );
  registerFeedValidateCommand(feed, io);
  registerFeedRebuildCommand(feed, io);
  for (const command of feed.commands) command.addOption(tableOption.events()).addOption(tableOption.feed());
}
