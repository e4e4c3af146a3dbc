import type { StoredEvent } from '@dynamo-es/event-store';
import { eventsToApply } from '../apply/gap-fill.js';
import { type DeliveredEvent, type EventSource, isUndecodable } from '../apply/types.js';
import { newDeadLetter } from '../codec/dead-letter-codec.js';
import { createReadModelContext } from '../engine/read-model-context.js';
import type { ProjectionRef } from '../keys.js';
import type { ProjectionObserver } from '../observability/projection-observer.js';
import type { Projection } from '../projection.js';
import type { RebuildState } from './rebuild-state.js';

/**
 * Applies scanned events to the rebuild's in-memory read model, per stream in version order:
 * an event at or below the stream's checkpoint is skipped, one above the next version first has
 * the missing versions read from the event store (a parallel scan returns a stream's items in
 * order in practice, but nothing guarantees it). A failing event is dead-lettered at once: the
 * handler is deterministic and its input is the same on every attempt.
 */
export class RebuildApplier {
  readonly #projection: Projection;
  readonly #ref: ProjectionRef;
  readonly #state: RebuildState;
  readonly #events: EventSource;
  readonly #checkpointInterval: number;
  readonly #now: () => Date;
  readonly #observer: ProjectionObserver;
  events = 0;
  deadLetters = 0;

  constructor(input: {
    projection: Projection;
    state: RebuildState;
    events: EventSource;
    checkpointInterval: number;
    now: () => Date;
    observer: ProjectionObserver;
  }) {
    this.#projection = input.projection;
    this.#ref = { name: input.projection.name, version: input.projection.version };
    this.#state = input.state;
    this.#events = input.events;
    this.#checkpointInterval = input.checkpointInterval;
    this.#now = input.now;
    this.#observer = input.observer;
  }

  async offer(event: DeliveredEvent): Promise<void> {
    const checkpoint = this.#state.checkpoint(event.streamId);
    if (checkpoint.parkedAt !== undefined || event.version <= checkpoint.version) return;
    const events =
      event.version === checkpoint.version + 1
        ? [event]
        : (await eventsToApply(this.#events, { streamId: event.streamId, delivered: [event] }, checkpoint))
            .events;
    for (const next of events) {
      if (!(await this.#apply(next))) return;
    }
  }

  /** Applies one event; false when the stream is parked behind it. */
  async #apply(event: DeliveredEvent): Promise<boolean> {
    this.events++;
    const error = isUndecodable(event) ? event.error : await this.#run(event);
    if (error === undefined) return true;
    this.deadLetters++;
    const { streamId, version, eventId, type: eventType } = event;
    this.#observer.deadLettered(this.#ref, { streamId, version, eventId, eventType, attempts: 1, error });
    const policy = this.#projection.onPoisonEvent;
    this.#state.addDeadLetter(
      newDeadLetter({ ref: this.#ref, policy, event, error, attempts: 1, now: this.#now() }),
    );
    const park = this.#projection.onPoisonEvent === 'park-stream';
    this.#state.setCheckpoint(
      event.streamId,
      park ? { version: event.version - 1, parkedAt: event.version } : { version: event.version },
      true,
    );
    return !park;
  }

  /** Runs the handler; returns its error, or undefined once the changes are merged. */
  async #run(event: StoredEvent): Promise<unknown> {
    let changed = false;
    if (this.#projection.handles(event.type)) {
      const { ctx, layer, close } = createReadModelContext(this.#ref, (key) => this.#state.read(key));
      try {
        await this.#projection.apply(event, ctx);
      } catch (error) {
        // A failed read of an evicted document is DynamoDB's fault, not the event's: abort the rebuild.
        if (layer.readError !== undefined) throw layer.readError;
        return error;
      } finally {
        close();
      }
      if (layer.readError !== undefined) throw layer.readError;
      this.#state.merge(layer);
      changed = layer.changes.size > 0;
    }
    const stored = this.#state.checkpoint(event.streamId);
    const write = changed || event.version - stored.version >= this.#checkpointInterval || stored.rev > 0;
    this.#state.setCheckpoint(event.streamId, { version: event.version }, write);
    return undefined;
  }
}
