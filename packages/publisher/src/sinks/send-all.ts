import { backoffDelay, sleep } from '@dynamo-es/event-store';
import { SinkRejectedError } from '../errors.js';
import { planBatches } from './batches.js';
import type { EntryFailure, OutgoingMessage, Sink } from './sink.js';

/**
 * How a sink's rejected entries are retried: only the failed entries, with jittered exponential
 * backoff, up to `maxAttempts` sends of each entry.
 *
 * @example
 * const retry: SinkRetry = { maxAttempts: 4, baseMs: 50, capMs: 2_000 };
 */
export interface SinkRetry {
  readonly maxAttempts: number;
  readonly baseMs: number;
  readonly capMs: number;
}

export const DEFAULT_SINK_RETRY: SinkRetry = { maxAttempts: 4, baseMs: 50, capMs: 2_000 };

/** What {@link sendAll} did: requests sent, and the messages still rejected after every attempt. */
export interface SendOutcome {
  readonly requests: number;
  readonly rejected: ReadonlyMap<string, SinkRejectedError>;
}

/**
 * Sends messages through a sink in as few requests as its limits allow; retries only the entries
 * it rejected (never one it accepted), with backoff; a request that fails as a whole (throttled,
 * timed out, a network error) counts as a rejection of each of its entries.
 */
export async function sendAll(
  sink: Sink,
  messages: readonly OutgoingMessage[],
  retry: SinkRetry = DEFAULT_SINK_RETRY,
): Promise<SendOutcome> {
  let pending = [...messages];
  let requests = 0;
  const last = new Map<string, EntryFailure>();
  const done = new Set<string>();
  for (let attempt = 1; pending.length > 0 && attempt <= retry.maxAttempts; attempt++) {
    if (attempt > 1) await sleep(backoffDelay(attempt - 1, { baseMs: retry.baseMs, capMs: retry.capMs }));
    const batches = planBatches(sink, pending);
    requests += batches.length;
    const failures = (await Promise.all(batches.map((batch) => sendOne(sink, batch)))).flat();
    const failed = new Set<string>();
    for (const failure of failures) {
      last.set(failure.id, failure);
      // Sending an entry the service refused as such again cannot succeed.
      if (failure.permanent) done.add(failure.id);
      else failed.add(failure.id);
    }
    pending = pending.filter((message) => failed.has(message.id));
  }
  pending.push(...messages.filter((message) => done.has(message.id)));
  const rejected = new Map<string, SinkRejectedError>();
  for (const message of pending) {
    const failure = last.get(message.id);
    rejected.set(
      message.id,
      new SinkRejectedError({
        messageId: message.id,
        sink: sink.name,
        errorCode: failure?.code ?? 'Unknown',
        detail: failure?.message ?? '',
        attempts: failure?.permanent ? 1 : retry.maxAttempts,
        permanent: failure?.permanent === true,
      }),
    );
  }
  return { requests, rejected };
}

async function sendOne(sink: Sink, batch: readonly OutgoingMessage[]): Promise<readonly EntryFailure[]> {
  try {
    return await sink.send(batch);
  } catch (error) {
    const code = (error as { name?: unknown })?.name;
    const message = (error as { message?: unknown })?.message;
    return batch.map((entry) => ({
      id: entry.id,
      code: typeof code === 'string' ? code : 'RequestFailed',
      message: typeof message === 'string' ? message : String(error),
    }));
  }
}
