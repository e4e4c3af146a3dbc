import { deepStrictEqual } from 'node:assert/strict';
import type { EventShape, StoredEvent } from '@dynamo-es/event-store';
import type { CommandShape, Saga } from '../saga.js';
import { sagaStreamId } from '../saga-events.js';
import { emptyInstance, foldInstance, type SagaInstance } from '../saga-instance.js';
import { nextStep, type StepInput } from '../saga-step.js';

/**
 * A source event of the specification: `streamId` defaults to `source`; `version` defaults to the
 * next of its stream (give one already used to deliver a duplicate).
 */
export type GivenEvent<E extends EventShape> = E & { readonly streamId?: string; readonly version?: number };

/** A result or a deadline in a specification: see {@link succeeded}, {@link rejectedWith}, {@link deadlineFired}. */
export type SpecTrigger =
  | { readonly kind: 'succeeded'; readonly commandType: string }
  | { readonly kind: 'rejected'; readonly commandType: string; readonly reason: string }
  | { readonly kind: 'deadline'; readonly id: string };

/** The oldest pending command of this type succeeded. @example when(succeeded('PlaceHold')) */
export const succeeded = (commandType: string): SpecTrigger => ({ kind: 'succeeded', commandType });
/** The oldest pending command of this type was rejected. @example when(rejectedWith('PlaceHold', 'InsufficientFunds')) */
export const rejectedWith = (commandType: string, reason: string): SpecTrigger => ({
  kind: 'rejected',
  commandType,
  reason,
});
/** The pending deadline `id` came due. @example when(deadlineFired('approval')) */
export const deadlineFired = (id: string): SpecTrigger => ({ kind: 'deadline', id });

/** What `.then()` checks; a field left out is not checked. `commands` and `deadlines` are the step's new ones. */
export interface SagaExpectation<S, C extends CommandShape> {
  readonly commands?: readonly C[];
  readonly state?: S;
  readonly deadlines?: readonly { readonly id: string; readonly at: Date | string | number }[];
  readonly cancelled?: readonly string[];
  /** The outcome the step ends the saga with; `null`: the saga must not end. */
  readonly end?: string | null;
}

/** The specification's end: what the trigger must lead to. */
export interface SagaThen<S, C extends CommandShape> {
  /** Asserts the step (deep equality on each given field); returns the instance after it. */
  then(expected: SagaExpectation<S, C>): SagaInstance<S>;
  /** Asserts the trigger is a no-op (a duplicate, not pending, after the end). */
  thenNothing(): SagaInstance<S>;
}

/** Given/when/then specifications for a saga, in memory (no DynamoDB), with the same step logic a process runs. */
export interface SagaSpecification<E extends EventShape, S, C extends CommandShape> {
  given(history: readonly (GivenEvent<E> | SpecTrigger)[]): {
    when(trigger: GivenEvent<E> | SpecTrigger): SagaThen<S, C>;
  };
}

/**
 * Given/when/then for sagas: `given` runs past source events, results and deadlines through the
 * saga (exactly as a `SagaProcess` would, idempotency and all), `when` runs one more, `then`
 * compares the commands, state, deadlines and end of that step.
 *
 * @example
 * const { given } = sagaSpecification(transferSaga, { now: new Date('2026-01-01T00:00:00Z') });
 * given([requested(30)]).when(succeeded('PlaceHold')).then({
 *   state: { status: 'awaiting', request },
 *   deadlines: [{ id: 'approval', at: '2026-01-01T00:01:00.000Z' }],
 * });
 */
export function sagaSpecification<E extends EventShape, S, C extends CommandShape>(
  saga: Saga<E, S, C>,
  options: { readonly sagaId?: string; readonly now?: Date } = {},
): SagaSpecification<E, S, C> {
  const sagaId = options.sagaId ?? 'saga-1';
  const now = options.now ?? new Date('2026-01-01T00:00:00.000Z');
  const run = saga as unknown as Saga<EventShape, S, CommandShape>;
  let versions = new Map<string, number>();
  let position = 0;
  const stored = (event: GivenEvent<E>): StoredEvent => {
    const streamId = event.streamId ?? 'source';
    const version = event.version ?? (versions.get(streamId) ?? 0) + 1;
    versions.set(streamId, Math.max(version, versions.get(streamId) ?? 0));
    position++;
    const eventId = `spec-${position}`;
    return {
      streamId,
      version,
      eventId,
      type: event.type,
      data: event.data,
      metadata: {},
      recordedAt: now.toISOString(),
      schemaVersion: 1,
    } as StoredEvent;
  };
  const inputOf = (instance: SagaInstance<S>, trigger: GivenEvent<E> | SpecTrigger): StepInput => {
    if (!('type' in trigger)) {
      const spec = trigger as SpecTrigger;
      if (spec.kind === 'deadline') {
        const due = instance.deadlines.find((deadline) => deadline.id === spec.id);
        if (!due) throw new Error(`deadlineFired('${spec.id}'): no such deadline is pending`);
        return { kind: 'deadline', id: due.id, at: due.at };
      }
      const command = instance.pending.find((pending) => pending.type === spec.commandType);
      if (!command) throw new Error(`${spec.kind}('${spec.commandType}'): no such command is pending`);
      return spec.kind === 'succeeded'
        ? { kind: 'result', key: command.key, outcome: 'succeeded' }
        : { kind: 'result', key: command.key, outcome: 'rejected', reason: spec.reason };
    }
    return { kind: 'event', event: stored(trigger as GivenEvent<E>) };
  };
  const step = (instance: SagaInstance<S>, trigger: GivenEvent<E> | SpecTrigger) => {
    const event = nextStep(run, instance, inputOf(instance, trigger), { now });
    if (!event) return { instance, event: undefined };
    const version = instance.version + 1;
    const recorded = {
      ...event,
      streamId: instance.streamId,
      version,
      eventId: `step-${version}`,
      metadata: {},
      recordedAt: now.toISOString(),
      schemaVersion: 1,
    } as StoredEvent;
    return { instance: foldInstance(instance, [recorded]), event: recorded };
  };
  return {
    given: (history) => {
      versions = new Map();
      let instance = emptyInstance(sagaId, sagaStreamId(saga.name, sagaId), saga.initialState());
      for (const trigger of history) instance = step(instance, trigger).instance;
      return {
        when: (trigger) => {
          const { instance: after, event } = step(instance, trigger);
          return {
            // biome-ignore lint/suspicious/noThenProperty: `given().when().then()` is the specification's grammar; awaiting it throws.
            then: (expected) => {
              if (typeof expected !== 'object' || expected === null) {
                throw new TypeError(
                  'then(expected): expected { commands?, state?, deadlines?, cancelled?, end? } (a specification is not a promise)',
                );
              }
              if (!event) throw new Error('expected a step, but the trigger was a no-op');
              assertStep(event.data as StepShape, after, expected);
              return after;
            },
            thenNothing: () => {
              if (event) throw new Error(`expected a no-op, but the trigger made a ${event.type} step`);
              return after;
            },
          };
        },
      };
    },
  };
}

interface StepShape {
  readonly commands: readonly { readonly type: string; readonly data: unknown }[];
  readonly deadlines: readonly unknown[];
  readonly cancelled: readonly string[];
  readonly end?: string;
}

function assertStep<S, C extends CommandShape>(
  data: StepShape,
  after: SagaInstance<S>,
  expected: SagaExpectation<S, C>,
): void {
  if (expected.commands) {
    const commands = data.commands.map(({ type, data }) => ({ type, data }));
    deepStrictEqual(commands, expected.commands, 'commands');
  }
  if (expected.state !== undefined) deepStrictEqual(after.state, expected.state, 'state');
  if (expected.deadlines) {
    const wanted = expected.deadlines.map(({ id, at }) => ({ id, at: new Date(at).toISOString() }));
    deepStrictEqual(data.deadlines, wanted, 'deadlines');
  }
  if (expected.cancelled) deepStrictEqual(data.cancelled, expected.cancelled, 'cancelled');
  if (expected.end !== undefined) deepStrictEqual(data.end ?? null, expected.end, 'end');
}
