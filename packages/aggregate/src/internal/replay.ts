import type { EventShape, IdempotencyRecord, StoredEvent } from '@dynamo-es/event-store';
import { IdempotencyKeyReusedError } from '../errors.js';
import type { Command, CommandContext, CommandOutcome } from './command-core.js';
import type { SavedStream } from './save-streams.js';
import { loadStream } from './stream-loader.js';

/**
 * A keyed command whose key is already recorded: the same command (name, streams, payload) was
 * applied before, so its original events are returned and nothing is decided or written; any other
 * command with that key is refused.
 *
 * Each stream is loaded as it is now (the state returned is the current one, which includes the
 * original command's effect), and the original events are picked from what the load reads, or read
 * by their versions (one `Query` per stream) when the load started after them.
 *
 * @throws IdempotencyKeyReusedError when the record is of another command.
 */
export async function replayCommand<S, E extends EventShape, T>(
  context: CommandContext,
  command: Command<S, E, T>,
  record: IdempotencyRecord,
  attempts: number,
): Promise<CommandOutcome<S, E, T>> {
  const key = command.idempotency as NonNullable<Command<S, E, T>['idempotency']>;
  const recordedIds = record.streams.map((stream) => stream.streamId);
  const reason =
    record.command !== key.command
      ? 'command'
      : recordedIds.join('\u0000') !== command.streamIds.join('\u0000')
        ? 'streams'
        : record.fingerprint !== key.fingerprint
          ? 'payload'
          : undefined;
  if (reason) {
    throw new IdempotencyKeyReusedError({
      key: key.key,
      reason,
      command: key.command,
      streamIds: command.streamIds,
      recorded: { command: record.command, streamIds: recordedIds },
    });
  }
  context.observer.replayed({ key: key.key, command: key.command, streamIds: command.streamIds });
  const streams = await Promise.all(
    record.streams.map(async ({ streamId, version, events: count }): Promise<SavedStream<S, E>> => {
      const first = version - count + 1;
      const events: StoredEvent<E>[] = [];
      const onEvent = (event: StoredEvent<E>) => {
        if (event.version >= first && event.version <= version) events.push(event);
      };
      const loaded = await loadStream(context.store, command.kind, streamId, { onEvent });
      if (events.length < count) {
        events.length = 0;
        const range = { fromVersion: first, toVersion: version };
        for await (const event of context.store.read<E>(streamId, range)) events.push(event);
      }
      return { ...loaded, events };
    }),
  );
  return { streams, attempts, replayed: true };
}
