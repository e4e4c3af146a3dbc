import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { createClient } from './client.js';
import type { CliIo } from './io.js';
import { commandOptions, type GlobalOptions, type TableOptions, tableNames } from './options.js';
import type { TableNames } from './tables.js';

/** What a command's action works with: one client for the whole command, destroyed after it. */
export interface Session<O> {
  readonly io: CliIo;
  readonly client: DynamoDBClient;
  /** The command's options together with the global ones. */
  readonly options: O & GlobalOptions & TableOptions;
  readonly tables: TableNames;
}

/**
 * Adapts a command implementation to commander's action signature (`...arguments, options,
 * command`): it gets a {@link Session} and the command's arguments.
 */
export function sessionAction<O, A extends unknown[]>(
  io: CliIo,
  run: (session: Session<O>, ...args: A) => Promise<void>,
): (...received: unknown[]) => Promise<void> {
  return async (...received) => {
    const command = received[received.length - 1] as Command;
    const args = received.slice(0, -2) as A;
    const options = commandOptions<O & GlobalOptions & TableOptions>(command);
    const client = createClient(options, io.env);
    try {
      await run({ io, client, options, tables: tableNames(options) }, ...args);
    } finally {
      client.destroy();
    }
  };
}
