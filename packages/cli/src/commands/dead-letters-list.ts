import type { DeadLetter } from '@dynamo-es/projections';
import { type Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { type CliIo, printLine } from '../io.js';
import { integerAtLeast, jsonOption, tableOption } from '../options.js';
import { plural, toJson, truncate } from '../output/format.js';
import { formatTable } from '../output/table.js';
import { listRegisteredVersions } from '../projections/read-model-items.js';
import { readModelsOf, type Session, sessionAction } from '../session.js';
import { requireTables, TableKind } from '../tables.js';

interface ListOptions {
  readonly projection?: string;
  readonly version?: number;
  readonly stream?: string;
  readonly status: 'open' | 'replayed' | 'all';
  readonly json?: boolean;
}

/** `dynamo-es dead-letters list`: the events projections gave up on. */
export function registerDeadLettersListCommand(deadLetters: Command, io: CliIo): void {
  deadLetters
    .command('list')
    .description('list dead letters: events a projection gave up on, with their error')
    .addOption(new Option('--projection <name>', 'only this projection (default: every projection)'))
    .addOption(
      new Option('--version <n>', 'only this version of the projection (default: every version)').argParser(
        integerAtLeast(1),
      ),
    )
    .addOption(new Option('--stream <streamId>', "only this stream's (read strongly consistent)"))
    .addOption(
      new Option('--status <status>', 'which dead letters')
        .choices(['open', 'replayed', 'all'])
        .default('open'),
    )
    .addOption(jsonOption('one JSON object per dead letter, stack included'))
    .addOption(tableOption.events())
    .addOption(tableOption.readModels())
    .addHelpText(
      'after',
      '\nWithout --projection, projections are found in the registry of the read-model table (a Scan).\n\n' +
        'Examples:\n  dynamo-es dead-letters list\n  dynamo-es dead-letters list --projection accounts --status all --json',
    )
    .action(sessionAction<ListOptions, []>(io, list));
}

async function list(session: Session<ListOptions>): Promise<void> {
  const { client, options, io } = session;
  const tableName = session.tables['read-models'];
  if (options.version !== undefined && options.projection === undefined) {
    throw new UsageError('--version needs --projection');
  }
  await requireTables(client, [{ kind: TableKind.ReadModels, tableName }]);
  const readModels = readModelsOf(session);
  const letters: DeadLetter[] = [];
  for (const projection of await projectionVersions(session)) {
    letters.push(
      ...(await readModels.deadLetters.list(projection, {
        status: options.status,
        ...(options.stream === undefined ? {} : { streamId: options.stream }),
      })),
    );
  }
  if (options.json) {
    for (const letter of letters) printLine(io, toJson(letter));
    return;
  }
  printLetters(io, letters, options.status);
}

/** The projection versions to look at: as named, or every registered one. */
async function projectionVersions(
  session: Session<ListOptions>,
): Promise<{ name: string; version: number }[]> {
  const { projection, version } = session.options;
  if (projection !== undefined && version !== undefined) return [{ name: projection, version }];
  const { versions } = await listRegisteredVersions(readModelsOf(session), projection);
  return versions.map((entry) => ({ name: entry.projection, version: entry.version }));
}

const COLUMNS = [
  { heading: 'PROJECTION' },
  { heading: 'VERSION', align: 'right' as const },
  { heading: 'STREAM' },
  { heading: 'EVENT', align: 'right' as const },
  { heading: 'TYPE' },
  { heading: 'ATTEMPTS', align: 'right' as const },
  { heading: 'FAILED AT' },
  { heading: 'STATUS' },
  { heading: 'POLICY' },
  { heading: 'ERROR' },
];

function printLetters(io: CliIo, letters: readonly DeadLetter[], status: ListOptions['status']): void {
  const which = status === 'all' ? '' : `${status} `;
  if (letters.length === 0) {
    printLine(io, `No ${which}dead letters.`);
    return;
  }
  const rows = letters.map((letter) => [
    letter.projection,
    String(letter.projectionVersion),
    letter.streamId,
    String(letter.version),
    letter.eventType,
    String(letter.attempts),
    letter.failedAt,
    letter.status,
    letter.policy,
    truncate(`${letter.error.name}: ${letter.error.message}`, 120),
  ]);
  for (const line of formatTable(COLUMNS, rows)) printLine(io, line);
  printLine(io);
  printLine(io, `${plural(letters.length, `${which}dead letter`)}.`);
}
