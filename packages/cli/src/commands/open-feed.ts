import { EventStore } from '@dynamo-es/event-store';
import { Feed } from '@dynamo-es/feed';
import { Option } from 'commander';
import { integerAtLeast } from '../options.js';
import type { Session } from '../session.js';
import { requireTables, TableKind } from '../tables.js';

/** `--segments <n>` of the feed commands: how many parallel scan segments read the events table. */
export const segmentsOption = (): Option =>
  new Option('--segments <n>', 'parallel scan segments of the events table').argParser(integerAtLeast(1));

/**
 * The feed of a `feed` command's session, once both of its tables are known to exist (else a
 * `TableNotFoundError` naming the missing one, before anything is read).
 */
export async function openFeed(session: Session<unknown>): Promise<Feed> {
  const { client, tables } = session;
  await requireTables(client, [
    { kind: TableKind.Events, tableName: tables.events },
    { kind: TableKind.Feed, tableName: tables.feed },
  ]);
  const eventStore = new EventStore({ client, tableName: tables.events });
  return new Feed({ client, tableName: tables.feed, eventStore });
}
