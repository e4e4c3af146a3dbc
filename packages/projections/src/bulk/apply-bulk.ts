import { applyStream } from '../engine/apply-stream.js';
import { type EventRangeReader, eventsToApply } from '../engine/contiguous-events.js';
import type { DeliveredEvent } from '../engine/delivered-event.js';
import { ONCE_RULES } from '../engine/rules.js';
import type { Projection } from '../projection.js';
import type { BulkState } from './bulk-state.js';

/** What {@link applyBulk} went through. */
export interface BulkTally {
  /** Events gone past or given up on. */
  readonly events: number;
  readonly deadLetters: readonly {
    readonly streamId: string;
    readonly version: number;
    readonly eventId: string;
    readonly eventType: string;
    readonly error: unknown;
  }[];
}

/**
 * Applies events (in the order a scan returns them) to a bulk state, stream by stream through the
 * engine. Versions a stream skips are read from the store first, versions at or below its
 * checkpoint are skipped, like on the live path. A failing event is dead-lettered at once
 * (`maxAttempts` 1: a rebuild gets the same input on every attempt). A document that cannot be
 * read back throws: DynamoDB's fault, not the events'.
 */
export async function applyBulk(input: {
  readonly state: BulkState;
  readonly projection: Projection;
  readonly events: readonly DeliveredEvent[];
  readonly read: EventRangeReader;
  readonly now: Date;
}): Promise<BulkTally> {
  const { state, projection } = input;
  const byStream = new Map<string, DeliveredEvent[]>();
  for (const event of input.events) {
    const events = byStream.get(event.streamId);
    if (events) events.push(event);
    else byStream.set(event.streamId, [event]);
  }
  await state.prepare([...byStream.keys()]);
  let events = 0;
  const deadLetters: BulkTally['deadLetters'][number][] = [];
  for (const [streamId, delivered] of byStream) {
    const checkpoint = state.checkpoint(streamId);
    const planned = await eventsToApply(input.read, { streamId, delivered }, checkpoint);
    const step = await applyStream({
      projection,
      streamId,
      checkpoint,
      events: planned.events,
      state: state.view(),
      rules: ONCE_RULES,
      now: input.now,
    });
    if (step.outcome.kind === 'retry') throw step.outcome.reason;
    state.merge(step);
    events += step.applied + step.deadLetters.length;
    for (const { letter, error } of step.deadLetters) {
      const { version, eventId, eventType } = letter;
      deadLetters.push({ streamId, version, eventId, eventType, error });
    }
  }
  return { events, deadLetters };
}
