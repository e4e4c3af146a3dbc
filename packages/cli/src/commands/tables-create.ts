import { createTableIfMissing } from '@dynamo-es/event-store';
import { Argument, type Command } from 'commander';
import { CommandFailedError } from '../errors.js';
import { type CliIo, printLine } from '../io.js';
import { formatTable } from '../output/table.js';
import { type Session, sessionAction } from '../session.js';
import { ALL_TABLE_KINDS, describeTable, type TableKind, tableDefinition } from '../tables.js';

type Outcome = { kind: TableKind; name: string; result: string; failed?: unknown };

/** `dynamo-es tables create [tables...]`: creates missing tables with the libraries' definitions. */
export function registerTablesCreateCommand(tables: Command, io: CliIo): void {
  tables
    .command('create')
    .description('create the tables that do not exist yet, with the definitions of the dynamo-es packages')
    .addArgument(
      new Argument('[tables...]', 'which tables (default: all)').choices(ALL_TABLE_KINDS as string[]),
    )
    .addHelpText(
      'after',
      '\nTables are on-demand (PAY_PER_REQUEST); the events table has a NEW_IMAGE stream for projections.\n' +
        'Existing tables are left as they are, after checking their key schema.\n\n' +
        'Examples:\n  dynamo-es tables create\n  dynamo-es tables create events read-models --events-table bank-events',
    )
    .action(sessionAction<object, [string[]]>(io, createTables));
}

async function createTables(session: Session<object>, requested: string[]): Promise<void> {
  const kinds = (requested.length > 0 ? [...new Set(requested)] : ALL_TABLE_KINDS) as TableKind[];
  const outcomes = await Promise.all(kinds.map((kind) => createOne(session, kind)));
  const rows = outcomes.map((outcome) => [outcome.kind, outcome.name, outcome.result]);
  for (const line of formatTable([{ heading: 'TABLE' }, { heading: 'NAME' }, { heading: 'RESULT' }], rows)) {
    printLine(session.io, line);
  }
  const failed = outcomes.filter((outcome) => outcome.failed !== undefined);
  if (failed.length > 0) {
    const first = failed[0] as Outcome;
    const reason = (first.failed as Error).message ?? String(first.failed);
    throw new CommandFailedError(`could not create the ${first.kind} table "${first.name}": ${reason}`, {
      cause: first.failed,
    });
  }
}

async function createOne(session: Session<object>, kind: TableKind): Promise<Outcome> {
  const name = session.tables[kind];
  try {
    const existed = (await describeTable(session.client, name)) !== undefined;
    // Idempotent, waits until the table is ACTIVE, and checks the key schema of an existing table.
    await createTableIfMissing(session.client, tableDefinition(kind, name));
    return { kind, name, result: existed ? 'exists' : 'created' };
  } catch (error) {
    return { kind, name, result: 'failed', failed: error };
  }
}
