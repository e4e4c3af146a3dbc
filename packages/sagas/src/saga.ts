import type { EventShape, StoredEvent } from '@dynamo-es/event-store';
import { InvalidSagaError } from './errors.js';

/** A command a saga sends: `{ type, data }`, like an event. */
export interface CommandShape {
  readonly type: string;
  readonly data: unknown;
}

/**
 * A wake-up call a saga asks for: `id` names it within the saga instance (asking again for the
 * same id moves it), `at` is when (a `Date`, an ISO-8601 string or epoch milliseconds).
 */
export interface DeadlineRequest {
  readonly id: string;
  readonly at: Date | string | number;
}

/**
 * What a saga handler decides: the next state (default: unchanged), commands to send (each sent
 * exactly once, in order), deadlines to set or cancel, and `end` to finish the saga with an
 * outcome of your naming (`'completed'`, `'released'`...). `undefined` decides nothing (the trigger
 * is still recorded as handled).
 *
 * @example
 * const decision: Decision<TransferState, AccountCommand> = {
 *   state: { ...state, status: 'holding' },
 *   commands: [{ type: 'PlaceHold', data: { accountId: from, transferId, amount } }],
 * };
 */
export interface Decision<S, C extends CommandShape> {
  readonly state?: S;
  readonly commands?: readonly C[];
  readonly deadlines?: readonly DeadlineRequest[];
  readonly cancelDeadlines?: readonly string[];
  readonly end?: string;
}

/** What a saga handler knows besides its state and trigger. */
export interface SagaContext {
  readonly sagaId: string;
  /** The process's clock (injectable: `SagaProcessOptions.now`). */
  readonly now: Date;
}

/** How a command the saga sent went: accepted by its handler, or rejected by the domain. */
export type CommandResult<C extends CommandShape> =
  | { readonly command: C; readonly key: string; readonly outcome: 'succeeded' }
  | { readonly command: C; readonly key: string; readonly outcome: 'rejected'; readonly reason: string };

/** A deadline that came due. */
export interface FiredDeadline {
  readonly id: string;
  /** When it was due (ISO-8601). */
  readonly at: string;
}

type EventOfType<E extends EventShape, K> = StoredEvent<Extract<E, { readonly type: K }>>;
type Reaction<S, C extends CommandShape, T> = (
  state: S,
  trigger: T,
  ctx: SagaContext,
) => Decision<S, C> | undefined;

/**
 * What {@link defineSaga} takes. Typed by the union of source events `E` the saga reacts to, its
 * state `S` (JSON) and the union of commands `C` it sends.
 */
export interface SagaDefinition<E extends EventShape, S, C extends CommandShape> {
  /** Letters, digits, `_` and `-` (it names the saga's streams `saga.<name>.<sagaId>`). */
  readonly name: string;
  readonly initialState: () => S;
  /** Per source event type: the saga instance the event belongs to, or `undefined` (not ours). */
  readonly correlate: { readonly [K in E['type']]?: (event: EventOfType<E, K>) => string | undefined };
  /** Per source event type: the decision. Every type here needs a `correlate` entry. */
  readonly on: { readonly [K in E['type']]?: Reaction<S, C, EventOfType<E, K>> };
  /** How a command went (succeeded, or rejected by the domain: compensate here). */
  readonly onResult?: Reaction<S, C, CommandResult<C>>;
  /** A deadline came due (still pending: cancelled or moved ones never fire). */
  readonly onDeadline?: Reaction<S, C, FiredDeadline>;
}

/** A saga made by {@link defineSaga}: plain, pure logic, run by a `SagaProcess` or the test kit. */
export interface Saga<E extends EventShape = EventShape, S = unknown, C extends CommandShape = CommandShape> {
  readonly name: string;
  /** The source event types it reacts to. */
  readonly eventTypes: readonly string[];
  readonly initialState: () => S;
  /** The instance `event` belongs to, `undefined` for events of other types or not correlated. */
  correlate(event: StoredEvent): string | undefined;
  react(state: S, event: StoredEvent, ctx: SagaContext): Decision<S, C> | undefined;
  result(state: S, result: CommandResult<C>, ctx: SagaContext): Decision<S, C> | undefined;
  deadline(state: S, deadline: FiredDeadline, ctx: SagaContext): Decision<S, C> | undefined;
  /** Phantom types for the test kit. */
  readonly types?: { readonly event: E; readonly state: S; readonly command: C };
}

export const SAGA_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Defines a saga (a process manager): which source events belong to which instance, and what the
 * instance decides on each of them, on command results and on deadlines. Pure: no AWS here.
 *
 * @example
 * const transfer = defineSaga<TransferEvent, TransferState, AccountCommand>({
 *   name: 'transfer',
 *   initialState: () => ({ status: 'new' }),
 *   correlate: { TransferRequested: (event) => event.data.transferId },
 *   on: { TransferRequested: (state, event) => ({ state: { ...state, status: 'holding' }, commands: [hold(event)] }) },
 * });
 * @throws InvalidSagaError when the definition is malformed.
 */
export function defineSaga<E extends EventShape, S, C extends CommandShape>(
  definition: SagaDefinition<E, S, C>,
): Saga<E, S, C> {
  if (typeof definition !== 'object' || definition === null) {
    throw new InvalidSagaError('definition', 'expected { name, initialState, correlate, on }');
  }
  const { name, initialState, correlate, on, onResult, onDeadline } = definition;
  if (typeof name !== 'string' || !SAGA_NAME_PATTERN.test(name)) {
    throw new InvalidSagaError('name', `expected 1-64 letters, digits, _ or -, got ${JSON.stringify(name)}`);
  }
  if (typeof initialState !== 'function') throw new InvalidSagaError('initialState', 'expected a function');
  const correlators = functionMap(correlate, 'correlate');
  const reactions = functionMap(on, 'on');
  for (const type of reactions.keys()) {
    if (!correlators.has(type)) {
      throw new InvalidSagaError(
        `correlate.${type}`,
        `missing: on.${type} needs to know which saga an event is for`,
      );
    }
  }
  if (reactions.size === 0)
    throw new InvalidSagaError('on', 'expected a handler for at least one event type');
  for (const [path, fn] of [
    ['onResult', onResult],
    ['onDeadline', onDeadline],
  ] as const) {
    if (fn !== undefined && typeof fn !== 'function') throw new InvalidSagaError(path, 'expected a function');
  }
  const eventTypes = Object.freeze([...reactions.keys()]);
  return Object.freeze({
    name,
    eventTypes,
    initialState,
    correlate: (event: StoredEvent) => {
      if (!reactions.has(event.type)) return undefined;
      return correlators.get(event.type)?.(event) as string | undefined;
    },
    react: (state: S, event: StoredEvent, ctx: SagaContext) =>
      reactions.get(event.type)?.(state, event, ctx) as Decision<S, C> | undefined,
    result: (state: S, result: CommandResult<C>, ctx: SagaContext) => onResult?.(state, result, ctx),
    deadline: (state: S, deadline: FiredDeadline, ctx: SagaContext) => onDeadline?.(state, deadline, ctx),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: the handlers' parameter types are checked by SagaDefinition.
type AnyFunction = (...args: any[]) => unknown;

function functionMap(value: unknown, path: string): Map<string, AnyFunction> {
  if (typeof value !== 'object' || value === null)
    throw new InvalidSagaError(path, 'expected an object keyed by event type');
  const map = new Map<string, AnyFunction>();
  for (const [type, fn] of Object.entries(value)) {
    if (fn === undefined) continue;
    if (typeof fn !== 'function') throw new InvalidSagaError(`${path}.${type}`, 'expected a function');
    map.set(type, fn as AnyFunction);
  }
  return map;
}
