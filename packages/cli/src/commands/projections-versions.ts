import type { Command } from 'commander';
import { type CliIo, printLine } from '../io.js';
import { integerAtLeast, tableOption } from '../options.js';
import { formatCount } from '../output/format.js';
import { readModelsOf, type Session, sessionAction } from '../session.js';
import { requireTables, TableKind } from '../tables.js';

/** `dynamo-es projections versions delete <name> <version>`: removes a version's items. */
export function registerProjectionsVersionsCommands(projections: Command, io: CliIo): void {
  const versions = projections.command('versions').description('manage the versions of a projection');
  versions
    .command('delete')
    .description(
      "delete a version's documents, checkpoints, dead letters and registry entry (not the active one)",
    )
    .argument('<name>', 'the projection name')
    .argument('<version>', 'the version to delete', integerAtLeast(1))
    .addOption(tableOption.events())
    .addOption(tableOption.readModels())
    .addHelpText(
      'after',
      '\nFor an abandoned rebuild or an old version. Remove the version from your deployed handlers first,\n' +
        'or they write it again. Reads the whole read-model table (a Scan) and deletes with BatchWriteItem.\n\n' +
        'Example:\n  dynamo-es projections versions delete accounts 1',
    )
    .action(sessionAction<object, [string, number]>(io, deleteVersion));
}

async function deleteVersion(session: Session<object>, name: string, version: number): Promise<void> {
  const tableName = session.tables['read-models'];
  await requireTables(session.client, [{ kind: TableKind.ReadModels, tableName }]);
  const deleted = await readModelsOf(session).versions.delete({ name, version });
  printLine(
    session.io,
    `Deleted ${name} v${version}: ${formatCount(deleted.documents)} documents, ${formatCount(deleted.checkpoints)} ` +
      `checkpoints, ${formatCount(deleted.deadLetters)} dead letters, ${formatCount(deleted.other)} other items.`,
  );
}
