import type { ClaimCheck } from '../claim-check/s3-claim-check.js';
import type { MessageEnvelope } from '../envelope.js';
import { type SinkRetry, sendAll } from '../sinks/send-all.js';
import type { Sink } from '../sinks/sink.js';
import type { MappedMessage } from './publication-unit.js';

/** Where a stream's sending stopped: the first message not accepted. */
export interface Rejection {
  readonly version: number;
  readonly error: unknown;
}

/** What {@link sendInWaves} did. */
export interface WavesResult {
  /** Streams with a message the sink did not accept (their later messages were not sent). */
  readonly rejected: Map<string, Rejection>;
  readonly accepted: number;
  readonly requests: number;
  readonly claimChecked: number;
}

/**
 * Sends each stream's messages in version order, never a stream's message before the one before
 * it was accepted: wave k holds the k-th message of every stream still going, as few requests as
 * the sink's limits allow. A stream stops at its first message the sink keeps rejecting. Messages
 * over the sink's entry limit go through the claim check first (a failed store is a rejection).
 */
export async function sendInWaves(input: {
  readonly sink: Sink;
  readonly claimCheck: ClaimCheck | undefined;
  readonly retry: SinkRetry;
  readonly queues: ReadonlyMap<string, readonly MappedMessage[]>;
}): Promise<WavesResult> {
  const { sink, claimCheck, retry, queues } = input;
  const rejected = new Map<string, Rejection>();
  const position = new Map<string, number>();
  let accepted = 0;
  let requests = 0;
  let claimChecked = 0;
  for (;;) {
    const wave: MappedMessage[] = [];
    for (const [streamId, queue] of queues) {
      const next = queue[position.get(streamId) ?? 0];
      if (next && !rejected.has(streamId)) wave.push(next);
    }
    if (wave.length === 0) break;
    const ready: MappedMessage[] = [];
    await Promise.all(
      wave.map(async (message) => {
        if (!claimCheck || sink.entryBytes(message) <= sink.limits.maxEntryBytes) {
          ready.push(message);
          return;
        }
        try {
          ready.push(await claimChecked_(claimCheck, message));
          claimChecked++;
        } catch (error) {
          rejected.set(message.streamId, { version: message.version, error });
        }
      }),
    );
    const outcome = await sendAll(sink, ready, retry);
    requests += outcome.requests;
    for (const message of ready) {
      const error = outcome.rejected.get(message.id);
      if (error) rejected.set(message.streamId, { version: message.version, error });
      else {
        accepted++;
        position.set(message.streamId, (position.get(message.streamId) ?? 0) + 1);
      }
    }
  }
  return { rejected, accepted, requests, claimChecked };
}

/** The message with its body in the claim check, carrying the reference instead of `data`. */
async function claimChecked_(claimCheck: ClaimCheck, message: MappedMessage): Promise<MappedMessage> {
  const envelope = JSON.parse(message.body) as MessageEnvelope;
  const claim = await claimCheck.store(envelope, message.body);
  const { data: _data, ...rest } = envelope;
  return { ...message, body: JSON.stringify({ ...rest, claimCheck: claim }) };
}
