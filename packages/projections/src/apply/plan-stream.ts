import type { Checkpoint } from '../storage/checkpoint.js';
import { eventsToApply } from './gap-fill.js';
import type { DeliveredEvent, EventSource, StreamJob } from './types.js';

/** What a round does with one stream: apply these events, nothing, or report it for redelivery. */
export type Plan =
  | { readonly job: StreamJob; readonly kind: 'apply'; readonly events: DeliveredEvent[] }
  | { readonly job: StreamJob; readonly kind: 'done' }
  | { readonly job: StreamJob; readonly kind: 'retry'; readonly reason: unknown };

/**
 * Plans a stream against its checkpoint: nothing for a parked stream (unless this job unparks it)
 * or for duplicates only; otherwise the events to apply, gaps filled from the event store. A
 * failed read of the store is DynamoDB's fault, not the events': redeliver, count no attempt.
 */
export async function planStream(source: EventSource, job: StreamJob, checkpoint: Checkpoint): Promise<Plan> {
  if (checkpoint.parkedAt !== undefined && checkpoint.parkedAt !== job.resume?.parkedAt)
    return { job, kind: 'done' };
  try {
    const events = await eventsToApply(source, job, checkpoint);
    return events.length === 0 ? { job, kind: 'done' } : { job, kind: 'apply', events };
  } catch (reason) {
    return { job, kind: 'retry', reason };
  }
}
