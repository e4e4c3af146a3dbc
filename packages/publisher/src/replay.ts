import type { DeadLetter, EventSource } from '@dynamo-es/projections';
import { EventReader, isStub, StreamCheckpoints } from '@dynamo-es/projections/internal';
import { type DeliveryConfig, deliverJobs } from './delivery/deliver.js';
import { publicationUnit } from './delivery/publication-unit.js';
import { sendInWaves } from './delivery/waves.js';
import { toEnvelope } from './envelope.js';

/**
 * What a replay of a publication's dead letters did.
 *
 * @example
 * const { replayed, failed } = await publisher.deadLetters.replay(bankPublic);
 */
export interface PublicationReplayResult {
  readonly replayed: DeadLetter[];
  /** Dead letters whose event failed again or was not accepted (they stay open, the stream stays parked). */
  readonly failed: { readonly deadLetter: DeadLetter; readonly error: unknown }[];
}

/**
 * Publishes a publication's open dead letters again once its mapping is fixed:
 * - `park-stream`: the parked event and everything after it, in order, then unparks the stream in
 *   the same write that marks the dead letter replayed (a failing later event is dead-lettered at once);
 * - `skip-event`: just the event (its stream went on without it), then marks the dead letter replayed.
 * At least once, like live delivery: a replay interrupted after the send sends again.
 */
export async function replayPublication(
  config: DeliveryConfig,
  eventStore: EventSource,
  filter: { readonly streamId?: string },
): Promise<PublicationReplayResult> {
  const unit = publicationUnit({
    ...config,
    claimChecked: config.claimCheck !== undefined,
    mapped: new Map(),
  });
  const listing = new StreamCheckpoints({ client: config.client, tableName: config.tableName, unit });
  const letters = await listing.deadLetters(
    filter.streamId === undefined ? {} : { streamId: filter.streamId },
  );
  const result: PublicationReplayResult = { replayed: [], failed: [] };
  for (const letter of letters) {
    try {
      const reader = new EventReader(eventStore, config.publication.handles);
      if (letter.policy === 'park-stream') await unpark(config, reader, letter, listing);
      else await replaySkipped(config, reader, letter);
      result.replayed.push(letter);
    } catch (error) {
      result.failed.push({ deadLetter: letter, error });
    }
  }
  return result;
}

async function unpark(
  config: DeliveryConfig,
  reader: EventReader,
  letter: DeadLetter,
  listing: StreamCheckpoints,
) {
  const resolution = listing.resolution(letter, config.now());
  const job = { streamId: letter.streamId, delivered: [], toHead: true, resume: letter.version, resolution };
  const result = await deliverJobs(config, [job], reader.read);
  const retry = result.retryFrom.get(letter.streamId);
  if (retry) throw retry.reason;
  if (!result.unparked.includes(letter.streamId))
    throw new Error(`stream ${letter.streamId} is not parked at ${letter.version}`);
}

async function replaySkipped(config: DeliveryConfig, reader: EventReader, letter: DeadLetter) {
  const { streamId, version } = letter;
  const [event] = await reader.read(streamId, version, version);
  if (!event) throw new Error(`version ${version} of stream ${streamId} is not in the event store`);
  if (isStub(event))
    throw event.error ?? new Error(`version ${version} of stream ${streamId} cannot be decoded`);
  const message = config.publication.toMessage(event);
  if (message !== undefined) {
    // A skipped event goes out of order by nature (its stream went on): it names no predecessor.
    const envelope = toEnvelope(config.publication.name, event, message, 0);
    const body = JSON.stringify(envelope);
    const outgoing = {
      id: event.eventId,
      streamId,
      version,
      source: envelope.source,
      type: envelope.type,
      body,
    };
    const { sink, claimCheck, retry } = config;
    const sent = await sendInWaves({ sink, claimCheck, retry, queues: new Map([[streamId, [outgoing]]]) });
    const rejected = sent.rejected.get(streamId);
    if (rejected) throw rejected.error;
  }
  const unit = publicationUnit({
    ...config,
    claimChecked: config.claimCheck !== undefined,
    mapped: new Map(),
  });
  const checkpoints = new StreamCheckpoints({ client: config.client, tableName: config.tableName, unit });
  await checkpoints.load([streamId]);
  // The checkpoint as read: the write is conditioned on it (and on the dead letter still open).
  const step = {
    streamId,
    changes: new Map(),
    checkpoint: checkpoints.checkpoint(streamId),
    deadLetters: [],
    outcome: { kind: 'done' as const },
    applied: 1,
    unparked: false,
  };
  const written = await checkpoints.write(
    [step],
    config.now(),
    new Map([[streamId, [checkpoints.resolution(letter, config.now())]]]),
  );
  if (written.failed[0]) throw written.failed[0].error;
  if (written.conflicted.length > 0)
    throw new Error('the stream moved or the dead letter was replayed meanwhile: replay again');
}
