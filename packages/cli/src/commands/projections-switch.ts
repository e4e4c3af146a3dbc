import type { Command } from 'commander';
import { type CliIo, printLine } from '../io.js';
import { integerAtLeast, tableOption } from '../options.js';
import { readModelsOf, type Session, sessionAction } from '../session.js';
import { requireTables, TableKind } from '../tables.js';

/** `dynamo-es projections switch <name> <version>`: points readers at another version. */
export function registerProjectionsSwitchCommand(projections: Command, io: CliIo): void {
  projections
    .command('switch')
    .description('point the readers of a projection at another version (a rebuilt one, or back)')
    .argument('<name>', 'the projection name')
    .argument('<version>', 'the version readers should read', integerAtLeast(1))
    .addOption(tableOption.events())
    .addOption(tableOption.readModels())
    .addHelpText(
      'after',
      '\nOnly a finished rebuild ("ready") or a live-built version ("live") can serve readers.\n\n' +
        'Example:\n  dynamo-es projections switch accounts 2',
    )
    .action(sessionAction<object, [string, number]>(io, switchVersion));
}

async function switchVersion(session: Session<object>, name: string, version: number): Promise<void> {
  const tableName = session.tables['read-models'];
  await requireTables(session.client, [{ kind: TableKind.ReadModels, tableName }]);
  await readModelsOf(session).versions.switch({ name, version });
  printLine(session.io, `Readers of ${name} now read version ${version}.`);
}
