import type { TableDescription } from '@aws-sdk/client-dynamodb';
import { Argument, type Command } from 'commander';
import { CommandFailedError } from '../errors.js';
import { type CliIo, printLine } from '../io.js';
import { jsonOption } from '../options.js';
import { formatCount, plural, toJson } from '../output/format.js';
import { formatTable } from '../output/table.js';
import { type Session, sessionAction } from '../session.js';
import { keys, streamView, tableProblems } from '../table-check.js';
import { ALL_TABLE_KINDS, describeTable, type TableKind, tableDefinition } from '../tables.js';

interface DescribeOptions {
  readonly json?: boolean;
}

/** One table as `tables describe` reports it. */
export interface TableReport {
  readonly table: TableKind;
  readonly name: string;
  readonly exists: boolean;
  readonly status?: string;
  /** DynamoDB's approximate count (refreshed about every six hours on AWS). */
  readonly items?: number;
  readonly sizeBytes?: number;
  readonly keys?: string;
  readonly stream?: string;
  readonly billing?: string;
  /** How the table differs from the dynamo-es definition (empty: it fits). */
  readonly problems: readonly string[];
}

/** `dynamo-es tables describe [tables...]`: status, size and fitness of each table. */
export function registerTablesDescribeCommand(tables: Command, io: CliIo): void {
  tables
    .command('describe')
    .description('show each table: status, approximate items and size, keys, stream, and whether it fits')
    .addArgument(
      new Argument('[tables...]', 'which tables (default: all)').choices(ALL_TABLE_KINDS as string[]),
    )
    .addOption(jsonOption('one JSON object per table'))
    .addHelpText(
      'after',
      "\nExits 1 when a table is missing or not as dynamo-es defines it. ITEMS and SIZE are DynamoDB's estimates.\n\n" +
        'Examples:\n  dynamo-es tables describe\n  dynamo-es tables describe events --json',
    )
    .action(sessionAction<DescribeOptions, [string[]]>(io, describeTables));
}

async function describeTables(session: Session<DescribeOptions>, requested: string[]): Promise<void> {
  const kinds = (requested.length > 0 ? [...new Set(requested)] : ALL_TABLE_KINDS) as TableKind[];
  const reports = await Promise.all(
    kinds.map(async (kind) => {
      const name = session.tables[kind];
      return report(kind, name, await describeTable(session.client, name));
    }),
  );
  if (session.options.json) for (const entry of reports) printLine(session.io, toJson(entry));
  else printReports(session.io, reports);
  const missing = reports.filter((entry) => !entry.exists).length;
  const unfit = reports.filter((entry) => entry.problems.length > 0).length;
  if (missing + unfit > 0) {
    throw new CommandFailedError(
      `${plural(missing, 'table')} missing, ${plural(unfit, 'table')} not as dynamo-es defines it`,
    );
  }
}

function report(kind: TableKind, name: string, table: TableDescription | undefined): TableReport {
  if (!table) return { table: kind, name, exists: false, problems: [] };
  return {
    table: kind,
    name,
    exists: true,
    status: table.TableStatus ?? 'UNKNOWN',
    items: table.ItemCount ?? 0,
    sizeBytes: table.TableSizeBytes ?? 0,
    keys: keys(table.KeySchema),
    stream: streamView(table),
    billing: table.BillingModeSummary?.BillingMode ?? 'PROVISIONED',
    problems: tableProblems(kind, table, tableDefinition(kind, name)),
  };
}

function printReports(io: CliIo, reports: readonly TableReport[]): void {
  const rows = reports.map((entry) =>
    entry.exists
      ? [
          entry.table,
          entry.name,
          entry.status ?? '',
          formatCount(entry.items ?? 0),
          formatCount(entry.sizeBytes ?? 0),
          entry.keys ?? '',
          entry.stream ?? '',
          entry.problems.length === 0 ? 'ok' : entry.problems.join('; '),
        ]
      : [entry.table, entry.name, 'MISSING', '-', '-', '-', '-', 'create it with "dynamo-es tables create"'],
  );
  const columns = [
    { heading: 'TABLE' },
    { heading: 'NAME' },
    { heading: 'STATUS' },
    { heading: 'ITEMS', align: 'right' as const },
    { heading: 'BYTES', align: 'right' as const },
    { heading: 'KEYS' },
    { heading: 'STREAM' },
    { heading: 'CHECK' },
  ];
  for (const line of formatTable(columns, rows)) printLine(io, line);
}
