import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { addAllTableOptions } from '../options.js';
import { registerTablesCreateCommand } from './tables-create.js';
import { registerTablesDescribeCommand } from './tables-describe.js';

/** `dynamo-es tables create | describe`. */
export function registerTablesCommands(program: Command, io: CliIo): void {
  const tables = program
    .command('tables')
    .description('create or describe the events, snapshots, read-model and runner checkpoint tables');
  registerTablesCreateCommand(tables, io);
  registerTablesDescribeCommand(tables, io);
  for (const command of tables.commands) addAllTableOptions(command);
}
