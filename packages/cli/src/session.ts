import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventStore, type Logger, type Upcasters } from '@dynamo-es/event-store';
import { ReadModels } from '@dynamo-es/projections';
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
 * The read models of the session's tables; `upcasters` when the projections module exports them
 * (the CLI's event store must read events as the application's does).
 */
export function readModelsOf(
  session: Session<unknown>,
  options: { readonly upcasters?: Upcasters; readonly logger?: Logger } = {},
): ReadModels {
  const { client, tables } = session;
  const eventStore = new EventStore({
    client,
    tableName: tables.events,
    ...(options.upcasters ? { upcasters: options.upcasters } : {}),
  });
  return new ReadModels({
    client,
    eventStore,
    tableName: tables['read-models'],
    ...(options.logger ? { logger: options.logger } : {}),
  });
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
