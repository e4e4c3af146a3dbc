import { backoffDelay, type StoredEvent, sleep } from '@dynamo-es/event-store';
import { type CommandHandlers, type CommandRetry, isRejection } from '../commands.js';
import type { DeadlineIndex } from '../deadlines/deadline-index.js';
import type { CommandShape } from '../saga.js';
import { type PlannedCommand, stepData } from '../saga-events.js';
import type { SagaInstance } from '../saga-instance.js';
import type { StepInput } from '../saga-step.js';
import type { SagaStreams } from '../saga-streams.js';
import type { RunningIndex } from '../status/running-index.js';

/** What carrying out a saga's steps needs. */
export interface Dispatcher {
  readonly streams: SagaStreams<unknown>;
  readonly commands: CommandHandlers<CommandShape>;
  readonly deadlines: DeadlineIndex;
  readonly running: RunningIndex;
  readonly retry: CommandRetry;
}

/**
 * Carries out one recorded step of a saga stream (the outbox): indexes its deadlines, then sends
 * each of its commands still pending, in order, and records each result as the saga's next step
 * (which the saga reacts to). The instance is marked running first, and unmarked once it ended. Run for every delivery of the step, so a crash anywhere only means
 * it runs again: a command already answered is not pending any more, one sent but not answered is
 * sent again with the same idempotency key, and the command handler's idempotency makes that a replay.
 *
 * @throws what a command handler keeps throwing after its retries (the step fails: attempts, dead letter).
 */
export async function dispatchStep(
  dispatcher: Dispatcher,
  sagaId: string,
  event: StoredEvent,
): Promise<void> {
  const step = stepData(event);
  // The operators' index of running instances first: a step whose command keeps failing is listed.
  if (step.end === undefined) {
    await dispatcher.running.running({ sagaId, version: event.version, since: event.recordedAt });
  }
  for (const deadline of step.deadlines) {
    await dispatcher.deadlines.put({ sagaId, deadlineId: deadline.id, at: deadline.at });
  }
  if (step.commands.length > 0) {
    let instance = await dispatcher.streams.load(sagaId);
    for (const command of step.commands) {
      instance = await sendPending(dispatcher, instance, command);
    }
  }
  if (step.end !== undefined) await dispatcher.running.ended(sagaId);
}

/** Sends one command if it is still pending and records its result; returns the instance after. */
export async function sendPending(
  dispatcher: Dispatcher,
  instance: SagaInstance<unknown>,
  command: PlannedCommand,
): Promise<SagaInstance<unknown>> {
  if (!instance.pending.some((pending) => pending.key === command.key)) return instance;
  const outcome = await send(dispatcher, instance.sagaId, command);
  const input: StepInput = isRejection(outcome)
    ? { kind: 'result', key: command.key, outcome: 'rejected', reason: outcome.reason }
    : { kind: 'result', key: command.key, outcome: 'succeeded' };
  return (await dispatcher.streams.advance(instance.sagaId, input, instance)).instance;
}

async function send(dispatcher: Dispatcher, sagaId: string, command: PlannedCommand): Promise<unknown> {
  const handler = (dispatcher.commands as Record<string, (c: unknown, ctx: unknown) => Promise<unknown>>)[
    command.type
  ];
  if (typeof handler !== 'function') throw new Error(`no command handler for ${command.type}`);
  const context = { idempotencyKey: command.key, sagaId, saga: dispatcher.streams.saga.name };
  const { attempts, baseMs, capMs } = dispatcher.retry;
  for (let attempt = 0; ; attempt++) {
    try {
      return await handler({ type: command.type, data: command.data }, context);
    } catch (error) {
      if (attempt + 1 >= attempts) throw error;
      await sleep(backoffDelay(attempt, { baseMs, capMs }));
    }
  }
}
