import type { Command } from 'commander';
import { Option } from 'commander';
import { type CliIo, printLine } from '../io.js';
import { integerAtLeast, tableOption } from '../options.js';
import { readModelsOf, type Session, sessionAction } from '../session.js';
import { requireTables, TableKind } from '../tables.js';

interface SwitchOptions {
  readonly force?: boolean;
}

/** `dynamo-es projections switch <name> <version>`: points readers at another version. */
export function registerProjectionsSwitchCommand(projections: Command, io: CliIo): void {
  projections
    .command('switch')
    .description('point the readers of a projection at another version (a rebuilt one, or back)')
    .argument('<name>', 'the projection name')
    .argument('<version>', 'the version readers should read', integerAtLeast(1))
    .addOption(new Option('--force', 'switch even though the version has open dead letters (parked streams)'))
    .addOption(tableOption.events())
    .addOption(tableOption.readModels())
    .addHelpText(
      'after',
      '\nOnly a finished rebuild ("ready") or a live-built version ("live") can serve readers, and only one\n' +
        'without open dead letters (its parked streams are stale) unless --force.\n\n' +
        'Examples:\n  dynamo-es projections switch accounts 2\n  dynamo-es projections switch accounts 2 --force',
    )
    .action(sessionAction<SwitchOptions, [string, number]>(io, switchVersion));
}

async function switchVersion(session: Session<SwitchOptions>, name: string, version: number): Promise<void> {
  const tableName = session.tables['read-models'];
  await requireTables(session.client, [{ kind: TableKind.ReadModels, tableName }]);
  await readModelsOf(session).versions.switch({ name, version }, { force: session.options.force === true });
  printLine(session.io, `Readers of ${name} now read version ${version}.`);
}
