import { EventStore, type StoredEvent } from '@dynamo-es/event-store';
import { type Command, Option } from 'commander';
import { StreamNotFoundError } from '../errors.js';
import { type CliIo, printLine } from '../io.js';
import { integerAtLeast, jsonOption, tableOption } from '../options.js';
import { plural, toJson, truncate } from '../output/format.js';
import { formatTable } from '../output/table.js';
import { type Session, sessionAction } from '../session.js';
import { requireTables, TableKind } from '../tables.js';

interface StreamOptions {
  readonly from?: number;
  readonly json?: boolean;
}

/** `dynamo-es stream <streamId>`: the events of a stream, as a table or as JSON lines. */
export function registerStreamCommand(program: Command, io: CliIo): void {
  program
    .command('stream')
    .description('print the events of a stream: a table for people, JSON lines (--json) for scripts')
    .argument('<streamId>', 'the stream id, e.g. account-42')
    .addOption(new Option('--from <version>', 'start at this version').argParser(integerAtLeast(1)))
    .addOption(jsonOption('one JSON object per event (a StoredEvent)'))
    .addOption(tableOption.events())
    .addHelpText(
      'after',
      '\nEvents are printed as stored (not upcast): schemaVersion says which shape each has.\n\n' +
        'Examples:\n  dynamo-es stream account-42\n  dynamo-es stream account-42 --from 100 --json | jq .data',
    )
    .action(sessionAction<StreamOptions, [string]>(io, printStream));
}

async function printStream(session: Session<StreamOptions>, streamId: string): Promise<void> {
  const { client, tables, options, io } = session;
  await requireTables(client, [{ kind: TableKind.Events, tableName: tables.events }]);
  const store = new EventStore({ client, tableName: tables.events });
  const fromVersion = options.from ?? 1;
  const events: StoredEvent[] = [];
  let count = 0;
  for await (const event of store.read(streamId, { fromVersion })) {
    count++;
    // JSON lines are written as pages arrive, so a long stream starts printing at once.
    if (options.json) printLine(io, toJson(event));
    else events.push(event);
  }
  if (count === 0) await explainNoEvents(session, store, streamId, fromVersion);
  else if (!options.json) printEventTable(io, streamId, events);
}

async function explainNoEvents(
  session: Session<StreamOptions>,
  store: EventStore,
  streamId: string,
  fromVersion: number,
): Promise<void> {
  const head = fromVersion > 1 ? await store.streamVersion(streamId) : 0;
  if (head === 0) throw new StreamNotFoundError({ streamId, tableName: session.tables.events });
  if (!session.options.json) {
    printLine(
      session.io,
      `No events from version ${fromVersion}: stream "${streamId}" is at version ${head}.`,
    );
  }
}

function printEventTable(io: CliIo, streamId: string, events: readonly StoredEvent[]): void {
  const withMetadata = events.some((event) => Object.keys(event.metadata ?? {}).length > 0);
  const columns = [
    { heading: 'VERSION', align: 'right' as const },
    { heading: 'TYPE' },
    { heading: 'RECORDED AT' },
    { heading: 'EVENT ID' },
    { heading: 'DATA' },
    ...(withMetadata ? [{ heading: 'METADATA' }] : []),
  ];
  // On a terminal, data is cut to fit the screen; piped output keeps everything.
  const dataWidth = io.stdout.isTTY && io.stdout.columns ? Math.max(20, io.stdout.columns - 90) : 0;
  const rows = events.map((event) => [
    String(event.version),
    event.type,
    event.recordedAt,
    event.eventId,
    truncate(toJson(event.data), dataWidth),
    ...(withMetadata ? [truncate(toJson(event.metadata ?? {}), dataWidth)] : []),
  ]);
  for (const line of formatTable(columns, rows)) printLine(io, line);
  const first = events[0]?.version ?? 0;
  const last = events[events.length - 1]?.version ?? 0;
  printLine(io);
  printLine(io, `${plural(events.length, 'event')} of stream "${streamId}" (versions ${first}-${last}).`);
}
