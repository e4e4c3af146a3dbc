import { isRebuildInterruptedError, type Projection, type RebuildResult } from '@dynamo-es/projections';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CommandFailedError } from '../errors.js';
import { type CliIo, printLine, printNote } from '../io.js';
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
  readonly segments: number;
  readonly only?: number[];
  readonly pageSize?: number;
  readonly resume?: boolean;
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
      new Option('--segments <n>', 'parallel scan segments of the events table (1 to 100)')
        .argParser(integerAtLeast(1))
        .default(4),
    )
    .addOption(
      new Option(
        '--only <segments>',
        'run only these segments, e.g. 0,1 (other processes run the others)',
      ).argParser(segmentList),
    )
    .addOption(
      new Option('--resume', 'continue an interrupted rebuild of the version from its saved positions'),
    )
    .addOption(
      new Option('--page-size <n>', 'items per scan page (default: pages of 1 MB)').argParser(
        integerAtLeast(1),
      ),
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
        'projection module to rebuild (an existing version is refused). The bar shows events applied\n' +
        "against the events table's estimated item count, events/s and the time left. Ctrl-C stops after\n" +
        'the current page, saves the positions and says how to resume (--resume) or abandon the version.\n' +
        'Exits 1 when the rebuild dead-lettered events, 130 when interrupted.\n\n' +
        'Examples:\n' +
        '  dynamo-es projections rebuild accounts --projections ./src/projections.ts\n' +
        '  dynamo-es projections rebuild accounts --projections ./dist/projections.js --segments 16 --switch\n' +
        '  dynamo-es projections rebuild accounts --projections ./dist/projections.js --segments 16 --resume',
    )
    .action(sessionAction<RebuildOptions, [string]>(io, rebuild));
}

function segmentList(value: string): number[] {
  if (!/^\d+(,\d+)*$/.test(value.trim()))
    throw new InvalidArgumentError('expected segment numbers such as 0,1,2.');
  return value.split(',').map(Number);
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
  const expectedItems = described.get(TableKind.Events)?.ItemCount ?? 0;
  const bar = createRebuildProgressBar(
    io,
    showBar ? { label: `${projection.name} v${projection.version}`, expectedItems } : undefined,
  );
  if (showBar) logger.hold();
  const interrupt = new AbortController();
  const onInterrupt = () => {
    if (interrupt.signal.aborted) process.exit(130);
    printNote(
      io,
      '\nStopping after the current page and saving the positions (Ctrl-C again to quit at once)...',
    );
    interrupt.abort();
  };
  process.on('SIGINT', onInterrupt);
  let result: RebuildResult;
  try {
    result = await readModels.rebuild(projection, {
      segments: options.segments,
      ...(options.only ? { only: options.only } : {}),
      ...(options.resume ? { resume: true } : {}),
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
      signal: interrupt.signal,
      onProgress: (progress) => bar.update(progress),
    });
  } catch (error) {
    if (isRebuildInterruptedError(error)) throw interrupted(session, projection, error.segmentsDone);
    throw error;
  } finally {
    process.off('SIGINT', onInterrupt);
    bar.stop();
    logger.flush();
  }
  await finish(session, result);
}

/** What an operator does after Ctrl-C: resume, or abandon the version. */
function interrupted(
  session: Session<RebuildOptions>,
  projection: Projection,
  segmentsDone: number,
): CommandFailedError {
  const { options } = session;
  const ref = `${projection.name} ${projection.version}`;
  const only = options.only ? ` --only ${options.only.join(',')}` : '';
  return new CommandFailedError(
    `the rebuild of ${projection.name} v${projection.version} was interrupted (${segmentsDone} of ${options.segments} ` +
      'segments done); what it applied is saved.\n' +
      `Resume it:  dynamo-es projections rebuild ${projection.name} --projections ${options.projections} ` +
      `--version ${projection.version} --segments ${options.segments}${only} --resume\n` +
      `Abandon it: dynamo-es projections versions delete ${ref}`,
    { exitCode: 130 },
  );
}

async function finish(session: Session<RebuildOptions>, result: RebuildResult): Promise<void> {
  const { options, io } = session;
  const switched = options.switch === true && result.ready && result.deadLetters === 0;
  if (switched) {
    await readModelsOf(session).versions.switch({ name: result.projection, version: result.version });
  }
  if (options.json) printLine(io, toJson({ ...result, switched }));
  else printSummary(io, result, switched);
  if (result.deadLetters > 0) {
    const advice = options.switch
      ? `not switching readers to ${result.projection} v${result.version}: the rebuild dead-lettered ` +
        `${plural(result.deadLetters, 'event')}; replay the dead letters, then run "dynamo-es projections switch ${result.projection} ${result.version}"`
      : `the rebuild of ${result.projection} v${result.version} dead-lettered ${plural(result.deadLetters, 'event')}; ` +
        `fix the handler, then replay them with "dynamo-es dead-letters replay --projections ${options.projections} ` +
        `--projection ${result.projection} --version ${result.version}"`;
    throw new CommandFailedError(advice);
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
  if (!result.ready) {
    printLine(
      io,
      `${result.segmentsDone} of ${result.totalSegments} segments of ${ref} are done; it becomes ready when the others are.`,
    );
  } else if (switched) printLine(io, `Readers of ${result.projection} now read version ${result.version}.`);
  else {
    printLine(
      io,
      `Readers still read the active version; switch them with: dynamo-es projections switch ${result.projection} ${result.version}`,
    );
  }
}
