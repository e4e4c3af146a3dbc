import { createRequire } from 'node:module';
import { Command } from 'commander';
import { registerDeadLettersCommands } from './commands/dead-letters.js';
import { registerFeedCommands } from './commands/feed.js';
import { registerProjectionsCommands } from './commands/projections.js';
import { registerSagasCommands } from './commands/sagas.js';
import { registerStreamCommand } from './commands/stream.js';
import { registerTablesCommands } from './commands/tables.js';
import type { CliIo } from './io.js';
import { commandOptions, connectionOptions, type GlobalOptions } from './options.js';

/** What the error report needs to know about the command that ran. */
export interface RunState {
  endpoint?: string;
  verbose: boolean;
}

// package.json is one level above both src/ and dist/.
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/**
 * The `dynamo-es` command tree. Options are positional: the program's before the command, each
 * command's after it. Connection options (`--endpoint`, `--region`, `--verbose`) are on both, so
 * they go anywhere; table options are on the commands that use those tables. `state` learns the
 * connection options of the command that runs.
 */
export function createProgram(io: CliIo, state: RunState): Command {
  const program = new Command('dynamo-es')
    .description(
      'Operate a dynamo-es event store on DynamoDB: streams, tables, projections, dead letters, the feed.',
    )
    .version(version, '-V, --version')
    .enablePositionalOptions()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showSuggestionAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      '\nAWS credentials and region come from the standard SDK chain (environment, ~/.aws, SSO, roles).\n' +
        'Exit codes: 0 success, 1 failure, 2 bad usage. See the README of @dynamo-es/cli for examples.',
    );
  registerStreamCommand(program, io);
  registerTablesCommands(program, io);
  registerProjectionsCommands(program, io);
  registerDeadLettersCommands(program, io);
  registerSagasCommands(program, io);
  registerFeedCommands(program, io);
  for (const option of connectionOptions(true)) program.addOption(option);
  for (const command of leaves(program))
    for (const option of connectionOptions(false)) command.addOption(option);
  program.hook('preAction', (_program, command) => {
    const options = commandOptions<GlobalOptions>(command);
    state.verbose = options.verbose === true;
    if (options.endpoint !== undefined) state.endpoint = options.endpoint;
  });
  return program;
}

/** The commands that do something (not groups such as `tables`). */
function leaves(command: Command): Command[] {
  return command.commands.flatMap((child) => (child.commands.length === 0 ? [child] : leaves(child)));
}
