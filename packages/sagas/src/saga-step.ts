import { assertJsonValue, type EventShape, type NewEvent, type StoredEvent } from '@dynamo-es/event-store';
import { InvalidDecisionError } from './errors.js';
import type { CommandResult, CommandShape, Decision, Saga, SagaContext } from './saga.js';
import { commandKey, eventTypeOf, type SagaStepData, type SagaTrigger } from './saga-events.js';
import type { SagaInstance } from './saga-instance.js';

/** What a saga step is triggered by, with what its handler needs. */
export type StepInput =
  | { readonly kind: 'event'; readonly event: StoredEvent }
  | { readonly kind: 'result'; readonly key: string; readonly outcome: 'succeeded' }
  | { readonly kind: 'result'; readonly key: string; readonly outcome: 'rejected'; readonly reason: string }
  | { readonly kind: 'deadline'; readonly id: string; readonly at: string }
  | { readonly kind: 'abandon'; readonly reason: string };

/** What the step checks a decision's commands against (the process's command handlers). */
export type KnownCommands = (type: string) => boolean;

/**
 * The saga stream's next event for a trigger, or `undefined` when the trigger is a no-op: a
 * source event at or below the version already handled for its stream, the result of a command
 * not pending (answered before), a deadline not pending (fired, cancelled, moved), anything but a
 * result after the saga ended. Pure: the one place where "exactly once" is decided.
 *
 * @throws InvalidDecisionError when the handler's decision cannot be carried out.
 */
export function nextStep<S>(
  saga: Saga<EventShape, S, CommandShape>,
  instance: SagaInstance<S>,
  input: StepInput,
  options: { readonly now: Date; readonly knownCommands?: KnownCommands },
): NewEvent | undefined {
  const ctx: SagaContext = { sagaId: instance.sagaId, now: options.now };
  const { decision, trigger } = decide(saga, instance, input, ctx) ?? {};
  if (trigger === undefined) return undefined;
  const data = stepOf(saga.name, instance, trigger, decision, options);
  return { type: eventTypeOf(trigger), data };
}

function decide<S>(
  saga: Saga<EventShape, S, CommandShape>,
  instance: SagaInstance<S>,
  input: StepInput,
  ctx: SagaContext,
): { decision: Decision<S, CommandShape> | undefined; trigger: SagaTrigger } | undefined {
  const { state, ended } = instance;
  switch (input.kind) {
    case 'event': {
      const { event } = input;
      if (ended || (instance.handled[event.streamId] ?? 0) >= event.version) return undefined;
      const { streamId, version, type, eventId } = event;
      return {
        decision: saga.react(state, event, ctx),
        trigger: { kind: 'event', streamId, version, type, eventId },
      };
    }
    case 'result': {
      const command = instance.pending.find((pending) => pending.key === input.key);
      if (!command) return undefined;
      const trigger: SagaTrigger =
        input.outcome === 'rejected'
          ? { kind: 'result', key: input.key, outcome: 'rejected', reason: input.reason }
          : { kind: 'result', key: input.key, outcome: 'succeeded' };
      // After the end, a result is recorded (the command is no longer pending) but decides nothing.
      if (ended) return { decision: undefined, trigger };
      const sent = { type: command.type, data: command.data };
      const result = (
        input.outcome === 'rejected'
          ? { command: sent, key: input.key, outcome: 'rejected', reason: input.reason }
          : { command: sent, key: input.key, outcome: 'succeeded' }
      ) as CommandResult<CommandShape>;
      return { decision: saga.result(state, result, ctx), trigger };
    }
    case 'deadline': {
      const due = instance.deadlines.find((deadline) => deadline.id === input.id && deadline.at === input.at);
      if (ended || !due) return undefined;
      return {
        decision: saga.deadline(state, due, ctx),
        trigger: { kind: 'deadline', id: due.id, at: due.at },
      };
    }
    case 'abandon':
      if (ended) return undefined;
      return { decision: { end: 'abandoned' }, trigger: { kind: 'abandon', reason: input.reason } };
  }
}

function stepOf<S>(
  sagaName: string,
  instance: SagaInstance<S>,
  trigger: SagaTrigger,
  decision: Decision<S, CommandShape> | undefined,
  options: { readonly knownCommands?: KnownCommands },
): SagaStepData {
  const fail = (path: string, problem: string): never => {
    throw new InvalidDecisionError({ saga: sagaName, sagaId: instance.sagaId, path, problem });
  };
  if (decision !== undefined && (typeof decision !== 'object' || decision === null)) {
    fail('decision', 'expected { state?, commands?, deadlines?, cancelDeadlines?, end? } or undefined');
  }
  const state = decision?.state === undefined ? instance.state : decision.state;
  try {
    assertJsonValue(state, 'state');
  } catch (error) {
    fail('state', error instanceof Error ? error.message : String(error));
  }
  const version = instance.version + 1;
  const commands = listOf(decision?.commands, 'commands', fail).map((command, index) => {
    const { type, data } = (command ?? {}) as Partial<CommandShape>;
    if (typeof type !== 'string' || type === '') fail(`commands[${index}].type`, 'expected a command type');
    if (options.knownCommands && !options.knownCommands(type as string)) {
      fail(
        `commands[${index}].type`,
        `no command handler for ${JSON.stringify(type)}: add it to the process's commands`,
      );
    }
    try {
      assertJsonValue(data, `commands[${index}].data`);
    } catch (error) {
      fail(`commands[${index}].data`, error instanceof Error ? error.message : String(error));
    }
    return { key: commandKey(sagaName, instance.sagaId, version, index), type: type as string, data };
  });
  const deadlines = listOf(decision?.deadlines, 'deadlines', fail).map((deadline, index) => ({
    id: deadlineId((deadline as { id?: unknown })?.id, `deadlines[${index}].id`, fail),
    at: instant((deadline as { at?: unknown })?.at, `deadlines[${index}].at`, fail),
  }));
  const cancelled = listOf(decision?.cancelDeadlines, 'cancelDeadlines', fail).map((id, index) =>
    deadlineId(id, `cancelDeadlines[${index}]`, fail),
  );
  const end = decision?.end;
  if (end !== undefined && (typeof end !== 'string' || end === ''))
    fail('end', 'expected a non-empty outcome name');
  return { trigger, state, commands, deadlines, cancelled, ...(end === undefined ? {} : { end }) };
}

type Fail = (path: string, problem: string) => never;

function listOf(value: unknown, path: string, fail: Fail): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return fail(path, 'expected an array');
  return value;
}

/** Deadline ids are part of the index's sort key, where `#` separates the parts. */
function deadlineId(value: unknown, path: string, fail: Fail): string {
  if (typeof value !== 'string' || !/^[^#\s]{1,128}$/.test(value)) {
    return fail(path, `expected 1-128 characters without '#' or spaces, got ${JSON.stringify(value)}`);
  }
  return value;
}

function instant(value: unknown, path: string, fail: Fail): string {
  const time =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'number'
        ? value
        : typeof value === 'string'
          ? Date.parse(value)
          : Number.NaN;
  if (!Number.isFinite(time))
    return fail(path, `expected a Date, an ISO-8601 string or epoch milliseconds, got ${String(value)}`);
  return new Date(time).toISOString();
}
