import type { StoredEvent } from '@dynamo-es/event-store';
import { CorruptSagaEventError, InvalidSagaError } from './errors.js';

/** What made a saga step: a source event, a command's result, a deadline, or an operator. */
export type SagaTrigger =
  | {
      readonly kind: 'event';
      readonly streamId: string;
      readonly version: number;
      readonly type: string;
      readonly eventId: string;
    }
  | {
      readonly kind: 'result';
      readonly key: string;
      readonly outcome: 'succeeded' | 'rejected';
      readonly reason?: string;
    }
  | { readonly kind: 'deadline'; readonly id: string; readonly at: string }
  | { readonly kind: 'abandon'; readonly reason: string };

/** A command recorded in a saga step, with the idempotency key it is sent with. */
export interface PlannedCommand {
  readonly key: string;
  readonly type: string;
  readonly data: unknown;
}

/**
 * The data of every event of a saga stream: the trigger, the state after it, and what was decided.
 * The state is recorded whole, so the fold never runs the saga's handlers again: a handler fixed
 * later changes what happens next, never what the history says happened.
 */
export interface SagaStepData {
  readonly trigger: SagaTrigger;
  readonly state: unknown;
  readonly commands: readonly PlannedCommand[];
  readonly deadlines: readonly { readonly id: string; readonly at: string }[];
  readonly cancelled: readonly string[];
  readonly end?: string;
}

/**
 * Event types of saga streams, one per trigger kind (the history reads as what happened).
 *
 * @example
 * const fired = events.filter((event) => event.type === SagaEventType.DeadlineFired);
 */
export const SagaEventType = {
  EventHandled: 'SagaEventHandled',
  CommandSucceeded: 'SagaCommandSucceeded',
  CommandRejected: 'SagaCommandRejected',
  DeadlineFired: 'SagaDeadlineFired',
  Abandoned: 'SagaAbandoned',
} as const;
export type SagaEventType = (typeof SagaEventType)[keyof typeof SagaEventType];

export const SAGA_EVENT_TYPES: readonly string[] = Object.values(SagaEventType);

export function eventTypeOf(trigger: SagaTrigger): SagaEventType {
  switch (trigger.kind) {
    case 'event':
      return SagaEventType.EventHandled;
    case 'result':
      return trigger.outcome === 'succeeded' ? SagaEventType.CommandSucceeded : SagaEventType.CommandRejected;
    case 'deadline':
      return SagaEventType.DeadlineFired;
    case 'abandon':
      return SagaEventType.Abandoned;
  }
}

/** The longest saga id: its commands' idempotency keys must fit the event store's 512 characters. */
export const MAX_SAGA_ID_LENGTH = 256;

/** `saga.<name>.` : the prefix of every stream of one saga. */
export const sagaStreamPrefix = (sagaName: string): string => `saga.${sagaName}.`;

/** The stream of one saga instance. @example sagaStreamId('transfer', 't-42') // 'saga.transfer.t-42' */
export function sagaStreamId(sagaName: string, sagaId: string): string {
  assertSagaId(sagaId, 'sagaId');
  return `${sagaStreamPrefix(sagaName)}${sagaId}`;
}

export function assertSagaId(sagaId: unknown, path: string): asserts sagaId is string {
  if (typeof sagaId !== 'string' || sagaId.length === 0 || sagaId.length > MAX_SAGA_ID_LENGTH) {
    throw new InvalidSagaError(
      path,
      `expected a string of 1-${MAX_SAGA_ID_LENGTH} characters, got ${JSON.stringify(sagaId)}`,
    );
  }
}

/**
 * The idempotency key of the command at `index` of the step at saga stream version `version`.
 *
 * @example
 * commandKey('transfer', 't-42', 1, 0) // 'saga:transfer:t-42:1:0'
 */
export const commandKey = (sagaName: string, sagaId: string, version: number, index: number): string =>
  `saga:${sagaName}:${sagaId}:${version}:${index}`;

/** Reads the step data of a saga stream event, or throws {@link CorruptSagaEventError}. */
export function stepData(event: StoredEvent): SagaStepData {
  const data = event.data as Partial<SagaStepData> | null;
  const trigger = data?.trigger as { kind?: unknown } | undefined;
  if (
    typeof data !== 'object' ||
    data === null ||
    typeof trigger?.kind !== 'string' ||
    !Array.isArray(data.commands) ||
    !Array.isArray(data.deadlines) ||
    !Array.isArray(data.cancelled)
  ) {
    throw new CorruptSagaEventError(
      event.streamId,
      event.version,
      'expected { trigger, state, commands, deadlines, cancelled }',
    );
  }
  return data as SagaStepData;
}
