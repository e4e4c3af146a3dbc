import type { RebuildResult } from '@dynamo-es/projections';
import { type Command, Option } from 'commander';
import { CommandFailedError } from '../errors.js';
import { type CliIo, printLine } from '../io.js';
import { integerAtLeast, jsonOption, projectionsModuleOption, tableOption } from '../options.js';
import { formatCount, formatDuration, formatRate, plural, toJson } from '../output/format.js';
import { createRebuildProgressBar } from '../output/progress.js';
import { CliLogger } from '../projections/cli-logger.js';
import { loadProjections, pickProjection } from '../projections/load-projections.js';
import { readModelsOf, type Session, sessionAction } from '../session.js';
import { requireTables, TableKind } from '../tables.js';

interface RebuildOptions {
  readonly projections: string;
  readonly version?: number;
  readonly segments?: number;
  readonly switch?: boolean;
  readonly progress: boolean;
  readonly json?: boolean;
}

/** `dynamo-es projections rebuild <name>`: a full replay into a new version, with a progress bar. */
export function registerProjectionsRebuildCommand(projections: Command, io: CliIo): void {
  projections
    .command('rebuild')
    .description('rebuild a version of a projection from every event, then optionally switch readers to it')
    .argument('<name>', 'the projection name')
    .addOption(projectionsModuleOption(true))
    .addOption(
      new Option('--version <n>', 'the version to build (default: the newest one in the module)').argParser(
        integerAtLeast(1),
      ),
    )
    .addOption(
      new Option('--segments <n>', 'parallel scan segments of the events table')
        .argParser(integerAtLeast(1))
        .default(4),
    )
    .addOption(
      new Option('--switch', 'switch readers to the rebuilt version (unless it dead-lettered events)'),
    )
    .addOption(new Option('--no-progress', 'no progress bar on standard error'))
    .addOption(jsonOption('the result as one JSON object'))
    .addOption(tableOption.events())
    .addOption(tableOption.readModels())
    .addHelpText(
      'after',
      '\nThe version is built while live handlers keep serving the active one; bump the version in your\n' +
        'projection module to rebuild (an existing version is refused). The bar shows events scanned\n' +
        "against the events table's estimated item count, events/s and the ETA.\n\n" +
        'Examples:\n' +
        '  dynamo-es projections rebuild accounts --projections ./src/projections.ts\n' +
        '  dynamo-es projections rebuild accounts --projections ./dist/projections.js --segments 16 --switch',
    )
    .action(sessionAction<RebuildOptions, [string]>(io, rebuild));
}

async function rebuild(session: Session<RebuildOptions>, name: string): Promise<void> {
  const { client, tables, options, io } = session;
  const described = await requireTables(client, [
    { kind: TableKind.Events, tableName: tables.events },
    { kind: TableKind.ReadModels, tableName: tables['read-models'] },
  ]);
  const loaded = await loadProjections(options.projections, io.cwd);
  const projection = pickProjection(loaded, name, options.version);
  const logger = new CliLogger(io);
  const readModels = readModelsOf(session, {
    ...(loaded.upcasters ? { upcasters: loaded.upcasters } : {}),
    logger,
  });
  const showBar = options.progress && !options.json;
  const bar = createRebuildProgressBar(
    io,
    showBar
      ? {
          label: `${projection.name} v${projection.version}`,
          expectedItems: described.get(TableKind.Events)?.ItemCount ?? 0,
        }
      : undefined,
  );
  if (showBar) logger.hold();
  let result: RebuildResult;
  try {
    result = await readModels.rebuild(projection, {
      ...(options.segments === undefined ? {} : { segments: options.segments }),
      onProgress: (progress) => bar.update(progress),
    });
  } finally {
    bar.stop();
    logger.flush();
  }
  const switched = options.switch === true && result.deadLetters === 0;
  if (switched) {
    await readModels.versions.switch({ name: result.projection, version: result.version });
  }
  if (options.json) printLine(io, toJson({ ...result, switched }));
  else printSummary(io, result, switched);
  if (options.switch && !switched) {
    throw new CommandFailedError(
      `not switching readers to ${result.projection} v${result.version}: the rebuild dead-lettered ` +
        `${plural(result.deadLetters, 'event')}; replay the dead letters, then run "dynamo-es projections switch ${result.projection} ${result.version}"`,
    );
  }
}

function printSummary(io: CliIo, result: RebuildResult, switched: boolean): void {
  const ref = `${result.projection} v${result.version}`;
  printLine(
    io,
    `Rebuilt ${ref} in ${formatDuration(result.durationMs)}: ${plural(result.events, 'event')} ` +
      `(${formatRate(result.events, result.durationMs)} events/s) from ${plural(result.streams, 'stream')}, ` +
      `${plural(result.documentsWritten, 'document')} written, ${plural(result.deadLetters, 'dead letter')}, ` +
      `${formatCount(result.caughtUpStreams)} caught up after the scan.`,
  );
  if (result.deadLetters > 0) {
    printLine(
      io,
      `Inspect the dead letters: dynamo-es dead-letters list --projection ${result.projection} --version ${result.version}`,
    );
  }
  if (switched) printLine(io, `Readers of ${result.projection} now read version ${result.version}.`);
  else {
    printLine(
      io,
      `Readers still read the active version; switch them with: dynamo-es projections switch ${result.projection} ${result.version}`,
    );
  }
}
