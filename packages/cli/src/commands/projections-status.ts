import { EventStore } from '@dynamo-es/event-store';
import { type Command, Option } from 'commander';
import { type CliIo, printLine } from '../io.js';
import { jsonOption, projectionsModuleOption, tableOption } from '../options.js';
import { formatCount, toJson, truncate } from '../output/format.js';
import { formatTable } from '../output/table.js';
import { loadProjections } from '../projections/load-projections.js';
import { scanProjectionItems } from '../projections/read-model-items.js';
import {
  buildStatusReport,
  type ProjectionVersionStatus,
  type StatusReport,
  type StreamStatus,
} from '../projections/status-report.js';
import { readModelsOf, type Session, sessionAction } from '../session.js';
import { requireTables, TableKind } from '../tables.js';

interface StatusOptions {
  readonly projection?: string;
  readonly streams?: boolean;
  readonly lag: boolean;
  readonly json?: boolean;
  readonly projections?: string;
}

/** `dynamo-es projections status`: checkpoints, dead letters and lag of every projection version. */
export function registerProjectionsStatusCommand(projections: Command, io: CliIo): void {
  projections
    .command('status')
    .description("show each projection version's checkpoints, dead letters and lag")
    .addOption(new Option('--projection <name>', 'only this projection'))
    .addOption(new Option('--streams', 'list every stream checkpoint, not only those needing attention'))
    .addOption(new Option('--no-lag', 'do not read stream heads (skips the lag; one query per stream)'))
    .addOption(projectionsModuleOption(false))
    .addOption(jsonOption('one JSON document { projections, streams }'))
    .addOption(tableOption.events())
    .addOption(tableOption.readModels())
    .addHelpText(
      'after',
      '\nReads the whole read-model table (a Scan: checkpoints are one item per projection and stream),\n' +
        'the dead-letter index, and with the lag one Query per stream. With --projections, projections\n' +
        'that have no data yet are listed too.\n\n' +
        'Examples:\n  dynamo-es projections status\n  dynamo-es projections status --projection accounts --streams',
    )
    .action(sessionAction<StatusOptions, []>(io, showStatus));
}

async function showStatus(session: Session<StatusOptions>): Promise<void> {
  const { client, tables, options, io } = session;
  await requireTables(client, [
    { kind: TableKind.ReadModels, tableName: tables['read-models'] },
    ...(options.lag ? [{ kind: TableKind.Events, tableName: tables.events }] : []),
  ]);
  const defined = options.projections
    ? (await loadProjections(options.projections, io.cwd)).projections.filter(
        (projection) => options.projection === undefined || projection.name === options.projection,
      )
    : [];
  const readModels = readModelsOf(session);
  const report = await buildStatusReport({
    readModels,
    items: await scanProjectionItems(readModels, {
      ...(options.projection === undefined ? {} : { projection: options.projection }),
    }),
    ...(options.lag ? { eventStore: new EventStore({ client, tableName: tables.events }) } : {}),
    defined,
  });
  if (options.json) printLine(io, toJson(report));
  else printReport(session, report);
}

function printReport(session: Session<StatusOptions>, report: StatusReport): void {
  const { io, tables, options } = session;
  if (report.projections.length === 0) {
    const which = options.projection ? `Projection "${options.projection}" has` : 'No projection has';
    printLine(io, `${which} ${options.projection ? 'no ' : ''}data in table "${tables['read-models']}" yet.`);
    return;
  }
  for (const line of formatTable(SUMMARY_COLUMNS, report.projections.map(summaryRow))) printLine(io, line);
  const listed = options.streams ? report.streams : report.streams.filter(needsAttention);
  if (listed.length > 0) {
    printLine(io);
    printLine(io, options.streams ? 'Streams:' : 'Streams needing attention:');
    for (const line of formatTable(STREAM_COLUMNS, listed.map(streamRow))) printLine(io, line);
  }
  if (options.lag) {
    printLine(io);
    printLine(
      io,
      'BEHIND: events after the checkpoints of the streams each version has seen (an upper bound: a stream\n' +
        'whose events change no document is checkpointed every 100 events).',
    );
  }
}

const right = 'right' as const;
const SUMMARY_COLUMNS = [
  { heading: 'PROJECTION' },
  { heading: 'VERSION', align: right },
  { heading: 'STATUS' },
  { heading: 'READERS' },
  { heading: 'STREAMS', align: right },
  { heading: 'APPLIED', align: right },
  { heading: 'BEHIND', align: right },
  { heading: 'PARKED', align: right },
  { heading: 'FAILING', align: right },
  { heading: 'DEAD LETTERS', align: right },
  { heading: 'LAST CHECKPOINT' },
];

function summaryRow(entry: ProjectionVersionStatus): string[] {
  return [
    entry.projection,
    String(entry.version),
    entry.status,
    entry.active ? 'active' : '-',
    formatCount(entry.streams),
    formatCount(entry.eventsApplied),
    entry.behind ? formatCount(entry.behind.events) : '-',
    formatCount(entry.parked),
    formatCount(entry.failing),
    formatCount(entry.deadLetters.open),
    entry.lastCheckpointAt ?? '-',
  ];
}

const STREAM_COLUMNS = [
  { heading: 'PROJECTION' },
  { heading: 'VERSION', align: right },
  { heading: 'STREAM' },
  { heading: 'CHECKPOINT', align: right },
  { heading: 'HEAD', align: right },
  { heading: 'BEHIND', align: right },
  { heading: 'STATE' },
  { heading: 'LAST ERROR' },
];

const needsAttention = (stream: StreamStatus) =>
  stream.parkedAt !== undefined || stream.failedVersion !== undefined;

function streamRow(stream: StreamStatus): string[] {
  return [
    stream.projection,
    String(stream.projectionVersion),
    stream.streamId,
    String(stream.version),
    stream.head === undefined ? '-' : String(stream.head),
    stream.behind === undefined ? '-' : String(stream.behind),
    streamState(stream),
    truncate(stream.lastError ?? '', 100),
  ];
}

function streamState(stream: StreamStatus): string {
  if (stream.parkedAt !== undefined) return `parked at ${stream.parkedAt} (dead letter)`;
  if (stream.failedVersion !== undefined) {
    return `failing at ${stream.failedVersion} (${stream.attempts ?? 0} attempts)`;
  }
  return 'ok';
}
