import { EventStore } from '@dynamo-es/event-store';
import { type PublicationReplayResult, Publisher } from '@dynamo-es/publisher';
import { CliLogger } from '../projections/cli-logger.js';
import { loadPublications, pickPublication } from '../publications/load-publications.js';
import type { Session } from '../session.js';
import { requireTables, TableKind } from '../tables.js';

/**
 * `dead-letters replay --publication <name> --publications <module>`: publishes a publication's
 * open dead letters again with the module's (fixed) mapping, through the module's sink, with
 * `publisher.deadLetters.replay`. The checkpoints and dead letters are in the read-model table.
 */
export async function replayPublication(
  session: Session<{ readonly stream?: string }>,
  target: { readonly name: string; readonly modulePath: string },
): Promise<PublicationReplayResult> {
  const { client, tables, options, io } = session;
  await requireTables(client, [
    { kind: TableKind.Events, tableName: tables.events },
    { kind: TableKind.ReadModels, tableName: tables['read-models'] },
  ]);
  const loaded = await loadPublications(target.modulePath, io.cwd);
  const publication = pickPublication(loaded, target.name);
  const logger = new CliLogger(io);
  const publisher = new Publisher({
    client,
    eventStore: new EventStore({
      client,
      tableName: tables.events,
      ...(loaded.upcasters ? { upcasters: loaded.upcasters } : {}),
    }),
    tableName: tables['read-models'],
    sink: loaded.sink,
    ...(loaded.claimCheck ? { claimCheck: loaded.claimCheck } : {}),
    logger,
  });
  return publisher.deadLetters.replay(publication, {
    ...(options.stream === undefined ? {} : { streamId: options.stream }),
  });
}
