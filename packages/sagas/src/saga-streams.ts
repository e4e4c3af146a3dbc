import {
  type EventShape,
  type EventStore,
  isConcurrencyError,
  type StoredEvent,
} from '@dynamo-es/event-store';
import { SagaConflictError } from './errors.js';
import type { CommandShape, Saga } from './saga.js';
import { sagaStreamId } from './saga-events.js';
import { emptyInstance, foldInstance, type SagaInstance } from './saga-instance.js';
import { type KnownCommands, nextStep, type StepInput } from './saga-step.js';

/** What {@link SagaStreams.advance} did. */
export interface Advanced<S> {
  readonly instance: SagaInstance<S>;
  /** The event appended; `undefined` when the trigger was a no-op (a duplicate, not pending...). */
  readonly appended: StoredEvent | undefined;
}

/**
 * Reads and advances the streams of one saga's instances in the event store. Every step is one
 * append at the version the decision was made on: two writers of one saga (a duplicated delivery,
 * two source streams at once, the deadline poller) cannot both append; the loser reads what won,
 * decides again, and usually finds its trigger handled (a no-op).
 */
export class SagaStreams<S> {
  readonly saga: Saga<EventShape, S, CommandShape>;
  readonly #store: EventStore;
  readonly #now: () => Date;
  readonly #known: KnownCommands | undefined;
  readonly #attempts: number;

  constructor(options: {
    readonly store: EventStore;
    readonly saga: Saga<EventShape, S, CommandShape>;
    readonly now: () => Date;
    readonly knownCommands?: KnownCommands;
    readonly maxAttempts?: number;
  }) {
    this.saga = options.saga;
    this.#store = options.store;
    this.#now = options.now;
    this.#known = options.knownCommands;
    this.#attempts = options.maxAttempts ?? 10;
  }

  /** The instance as its stream says (one strongly consistent query; version 0 when none). */
  async load(sagaId: string): Promise<SagaInstance<S>> {
    const streamId = sagaStreamId(this.saga.name, sagaId);
    return this.#catchUp(emptyInstance(sagaId, streamId, this.saga.initialState()));
  }

  /**
   * Decides the trigger on the instance (loaded unless given) and appends the step, deciding again
   * on a conflict.
   *
   * @throws SagaConflictError when every attempt lost the race.
   * @throws InvalidDecisionError when the saga's decision cannot be carried out.
   */
  async advance(sagaId: string, input: StepInput, loaded?: SagaInstance<S>): Promise<Advanced<S>> {
    let instance = loaded ?? (await this.load(sagaId));
    for (let attempt = 1; ; attempt++) {
      const event = nextStep(this.saga, instance, input, {
        now: this.#now(),
        ...(this.#known ? { knownCommands: this.#known } : {}),
      });
      if (event === undefined) return { instance, appended: undefined };
      try {
        const expectedVersion = instance.version === 0 ? 'no-stream' : instance.version;
        const result = await this.#store.append(instance.streamId, [event], { expectedVersion });
        return { instance: foldInstance(instance, result.events), appended: result.events[0] };
      } catch (error) {
        if (!isConcurrencyError(error)) throw error;
        if (attempt >= this.#attempts) {
          throw new SagaConflictError({ saga: this.saga.name, sagaId, attempts: attempt }, { cause: error });
        }
        instance = await this.#catchUp(instance);
      }
    }
  }

  /** Reads the events after the instance's version and folds them in. */
  async #catchUp(instance: SagaInstance<S>): Promise<SagaInstance<S>> {
    const { events } = await this.#store.readStream(instance.streamId, {
      fromVersion: instance.version + 1,
      consistentRead: true,
    });
    return foldInstance(instance, events);
  }
}
