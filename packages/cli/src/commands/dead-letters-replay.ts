import type { Projection, ReplayResult } from '@dynamo-es/projections';
import { type Command, Option } from 'commander';
import { CommandFailedError, UsageError } from '../errors.js';
import { type CliIo, printLine } from '../io.js';
import { integerAtLeast, projectionsModuleOption, tableOption } from '../options.js';
import { plural, truncate } from '../output/format.js';
import { formatTable } from '../output/table.js';
import { CliLogger } from '../projections/cli-logger.js';
import { loadProjections, pickProjection } from '../projections/load-projections.js';
import { readModelsOf, type Session, sessionAction } from '../session.js';
import { requireTables, TableKind } from '../tables.js';
import { replayPublication } from './dead-letters-replay-publication.js';

interface ReplayOptions {
  readonly projections?: string;
  readonly publication?: string;
  readonly publications?: string;
  readonly projection?: string;
  readonly version?: number;
  readonly stream?: string;
}

/** `dynamo-es dead-letters replay`: applies dead-lettered events again, once the handler is fixed. */
export function registerDeadLettersReplayCommand(deadLetters: Command, io: CliIo): void {
  deadLetters
    .command('replay')
    .description('apply open dead letters again with the (fixed) projection code, exactly once each')
    .addOption(projectionsModuleOption(false))
    .addOption(new Option('--projection <name>', 'only this projection (default: every one in the module)'))
    .addOption(
      new Option(
        '--version <n>',
        'the version of --projection (default: the newest in the module)',
      ).argParser(integerAtLeast(1)),
    )
    .addOption(new Option('--stream <streamId>', "only this stream's dead letters"))
    .addOption(
      new Option(
        '--publication <name>',
        "replay this publication's dead letters instead (give --publications)",
      ).conflicts(['projections', 'projection', 'version']),
    )
    .addOption(
      new Option(
        '--publications <module>',
        'path of a .js or .ts module exporting your publications and their `sink` (see the README)',
      ),
    )
    .addOption(tableOption.events())
    .addOption(tableOption.readModels())
    .addHelpText(
      'after',
      "\nA parked stream ('park-stream') is unparked: the event and every later one are applied in order.\n" +
        "A skipped event ('skip-event') is applied on its own. Exits 1 when an event fails again (it stays open).\n\n" +
        'Examples:\n  dynamo-es dead-letters replay --projections ./src/projections.ts\n' +
        '  dynamo-es dead-letters replay --projections ./dist/projections.js --projection accounts --stream account-42\n' +
        '  dynamo-es dead-letters replay --publication bank-public --publications ./src/publications.ts',
    )
    .action(sessionAction<ReplayOptions, []>(io, replay));
}

async function replay(session: Session<ReplayOptions>): Promise<void> {
  const { client, tables, options, io } = session;
  if (options.publication !== undefined || options.publications !== undefined) {
    if (options.publication === undefined || options.publications === undefined) {
      throw new UsageError(
        "give both --publication <name> and --publications <module> to replay a publication's dead letters",
      );
    }
    const result = await replayPublication(session, {
      name: options.publication,
      modulePath: options.publications,
    });
    return finish(io, resultRows(result), result.replayed.length, result.failed.length);
  }
  if (options.projections === undefined) {
    throw new UsageError(
      "give --projections <module> to replay projections' dead letters, or --publication <name> --publications <module> for a publication's",
    );
  }
  await requireTables(client, [
    { kind: TableKind.Events, tableName: tables.events },
    { kind: TableKind.ReadModels, tableName: tables['read-models'] },
  ]);
  const loaded = await loadProjections(options.projections, io.cwd);
  const targets: readonly Projection[] =
    options.projection === undefined
      ? loaded.projections
      : [pickProjection(loaded, options.projection, options.version)];
  const readModels = readModelsOf(session, {
    ...(loaded.upcasters ? { upcasters: loaded.upcasters } : {}),
    logger: new CliLogger(io),
  });
  const rows: string[][] = [];
  let replayed = 0;
  let failed = 0;
  for (const projection of targets) {
    const result = await readModels.deadLetters.replay(projection, {
      ...(options.stream === undefined ? {} : { streamId: options.stream }),
    });
    rows.push(...resultRows(result));
    replayed += result.replayed.length;
    failed += result.failed.length;
  }
  finish(io, rows, replayed, failed);
}

/** Prints the results; exits 1 when some letter failed again. */
function finish(io: CliIo, rows: readonly string[][], replayed: number, failed: number): void {
  printResults(io, rows, replayed, failed);
  if (failed > 0) {
    throw new CommandFailedError(
      `${plural(failed, 'dead letter')} failed again and stay${failed === 1 ? 's' : ''} open; fix the handler and replay again`,
    );
  }
}

function resultRows(result: ReplayResult): string[][] {
  const row = (letter: ReplayResult['replayed'][number], outcome: string, error = '') => [
    outcome,
    letter.projection,
    String(letter.projectionVersion),
    letter.streamId,
    String(letter.version),
    letter.eventType,
    error,
  ];
  return [
    ...result.replayed.map((letter) => row(letter, 'replayed')),
    ...result.failed.map(({ deadLetter, error }) =>
      row(deadLetter, 'failed', truncate((error as Error)?.message ?? String(error), 120)),
    ),
  ];
}

function printResults(io: CliIo, rows: readonly string[][], replayed: number, failed: number): void {
  if (rows.length === 0) {
    printLine(io, 'No open dead letters to replay.');
    return;
  }
  const columns = [
    { heading: 'RESULT' },
    { heading: 'PROJECTION' },
    { heading: 'VERSION', align: 'right' as const },
    { heading: 'STREAM' },
    { heading: 'EVENT', align: 'right' as const },
    { heading: 'TYPE' },
    { heading: 'ERROR' },
  ];
  for (const line of formatTable(columns, rows)) printLine(io, line);
  printLine(io);
  printLine(io, `${formatReplayed(replayed)}, ${failed} failed.`);
}

const formatReplayed = (count: number) => `${plural(count, 'dead letter')} replayed`;
