import type { StoredEvent } from '@dynamo-es/event-store';
import { type PlannedCommand, SAGA_EVENT_TYPES, stepData } from './saga-events.js';

/** A command decided and not answered yet. */
export interface PendingCommand extends PlannedCommand {
  /** When the step that decided it was recorded. */
  readonly since: string;
}

/**
 * A saga instance: the fold of its stream. `handled` holds, per source stream, the highest
 * version the saga reacted to (the engine delivers a source stream in version order, so anything
 * at or below it is a duplicate).
 */
export interface SagaInstance<S = unknown> {
  readonly sagaId: string;
  readonly streamId: string;
  /** The saga stream's version (0: no instance yet). */
  readonly version: number;
  readonly state: S;
  readonly handled: Readonly<Record<string, number>>;
  readonly pending: readonly PendingCommand[];
  /** Deadlines set and not fired or cancelled, soonest first. */
  readonly deadlines: readonly { readonly id: string; readonly at: string }[];
  readonly ended?: { readonly outcome: string; readonly at: string };
  readonly startedAt?: string;
  /** When the last step was recorded: what the saga has been waiting since. */
  readonly updatedAt?: string;
}

/** The instance before its first event. */
export function emptyInstance<S>(sagaId: string, streamId: string, state: S): SagaInstance<S> {
  return { sagaId, streamId, version: 0, state, handled: {}, pending: [], deadlines: [] };
}

/** Folds the events of a saga stream (in version order) into the instance. */
export function foldInstance<S>(initial: SagaInstance<S>, events: readonly StoredEvent[]): SagaInstance<S> {
  let instance = initial;
  for (const event of events) {
    if (!SAGA_EVENT_TYPES.includes(event.type)) continue;
    instance = evolve(instance, event);
  }
  return instance;
}

function evolve<S>(instance: SagaInstance<S>, event: StoredEvent): SagaInstance<S> {
  const step = stepData(event);
  const { trigger } = step;
  const handled =
    trigger.kind === 'event'
      ? { ...instance.handled, [trigger.streamId]: trigger.version }
      : instance.handled;
  let pending = instance.pending.filter(
    (command) => trigger.kind !== 'result' || command.key !== trigger.key,
  );
  const gone = new Set(step.cancelled);
  if (trigger.kind === 'deadline') gone.add(trigger.id);
  for (const deadline of step.deadlines) gone.add(deadline.id);
  let deadlines = [...instance.deadlines.filter((deadline) => !gone.has(deadline.id)), ...step.deadlines];
  pending = [...pending, ...step.commands.map((command) => ({ ...command, since: event.recordedAt }))];
  let ended = instance.ended;
  if (step.end !== undefined && ended === undefined) {
    ended = { outcome: step.end, at: event.recordedAt };
    // An ended saga waits for nothing: deadlines would only ever be no-ops.
    deadlines = [];
  }
  if (trigger.kind === 'abandon') pending = [];
  deadlines.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return {
    ...instance,
    version: event.version,
    state: step.state as S,
    handled,
    pending,
    deadlines,
    ...(ended ? { ended } : {}),
    startedAt: instance.startedAt ?? event.recordedAt,
    updatedAt: event.recordedAt,
  };
}
