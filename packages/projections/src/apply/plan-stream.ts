import type { CheckpointState } from '../storage/checkpoint.js';
import { eventsToApply } from './gap-fill.js';
import type { DeliveredEvent, EventSource, StreamJob } from './types.js';

/** What a round does with one stream: apply these events, nothing, or report it for redelivery. */
export type Plan = (
  | { readonly job: StreamJob; readonly kind: 'apply'; readonly events: DeliveredEvent[] }
  | { readonly job: StreamJob; readonly kind: 'done' }
  | { readonly job: StreamJob; readonly kind: 'retry'; readonly reason: unknown }
) & {
  /** Delivered events already applied (or delivered twice), and events read to fill gaps. */
  readonly duplicates: number;
  readonly filled: number;
};

/**
 * Plans a stream against its checkpoint: nothing for a parked stream (unless this job unparks it)
 * or for duplicates only; otherwise the events to apply, gaps filled from the event store. A
 * failed read of the store is DynamoDB's fault, not the events': redeliver, count no attempt.
 */
export async function planStream(
  source: EventSource,
  job: StreamJob,
  checkpoint: CheckpointState,
): Promise<Plan> {
  if (checkpoint.parkedAt !== undefined && checkpoint.parkedAt !== job.resume?.parkedAt)
    return { job, kind: 'done', duplicates: 0, filled: 0 };
  try {
    const { events, duplicates, filled } = await eventsToApply(source, job, checkpoint);
    return events.length === 0
      ? { job, kind: 'done', duplicates, filled }
      : { job, kind: 'apply', events, duplicates, filled };
  } catch (reason) {
    return { job, kind: 'retry', reason, duplicates: 0, filled: 0 };
  }
}
