import type { EventShape } from '@dynamo-es/event-store';
import { UnknownEventTypeError } from './errors.js';
import { EventSourced, type HistoryEvent } from './event-sourced.js';

/**
 * One handler per event type: takes the state and an event of that type, returns the new state.
 * The compiler flags a missing type, and infers each handler's event from its key.
 *
 * @example
 * const handlers: EventHandlers<{ balance: number }, MoneyDeposited | MoneyWithdrawn> = {
 *   MoneyDeposited: (state, { data }) => ({ balance: state.balance + data.amount }),
 *   MoneyWithdrawn: (state, { data }) => ({ balance: state.balance - data.amount }),
 * };
 */
export type EventHandlers<S, E extends EventShape> = {
  readonly [K in E['type']]: (state: S, event: Extract<E, { readonly type: K }>) => S;
};

/**
 * What replaying an event type without a handler does: `'throw'` an {@link UnknownEventTypeError}
 * (the default), or `'ignore'` it (the version still advances).
 *
 * @example
 * protected override readonly unknownEvents: UnknownEventPolicy = 'ignore';
 */
export type UnknownEventPolicy = 'throw' | 'ignore';

type AnyHandler = (state: unknown, event: unknown) => unknown;

/**
 * Base class of event-sourced aggregates: plain TypeScript, no AWS. State changes only by applying
 * events, through the same handlers when raising a new event and when replaying the stream.
 * Handlers must return a new state rather than mutate the one they get: a retried command starts
 * again from the last committed state.
 *
 * @example
 * type AccountEvent =
 *   | { type: 'AccountOpened'; data: { owner: string } }
 *   | { type: 'MoneyDeposited'; data: { amount: number } };
 *
 * class BankAccount extends Aggregate<{ balance: number }, AccountEvent> {
 *   protected readonly initialState = { balance: 0 };
 *   protected readonly handlers = this.defineHandlers({
 *     AccountOpened: (state) => state,
 *     MoneyDeposited: (state, event) => ({ balance: state.balance + event.data.amount }),
 *   });
 *
 *   deposit(amount: number): void {
 *     if (amount <= 0) throw new RangeError('amount must be positive');
 *     this.raise({ type: 'MoneyDeposited', data: { amount } });
 *   }
 * }
 */
export abstract class Aggregate<S, E extends EventShape> extends EventSourced<S, E> {
  /** Handlers by event type; see {@link Aggregate.defineHandlers} for inference without repeating types. */
  protected abstract readonly handlers: EventHandlers<S, E>;
  /** What replaying an event type without a handler does (default `'throw'`). Raising one always throws. */
  protected readonly unknownEvents: UnknownEventPolicy = 'throw';

  /**
   * Returns its argument, typed from the class's type parameters, so handler parameters are inferred
   * and a missing event type is a compile error, without repeating the state and event types.
   */
  protected defineHandlers(handlers: EventHandlers<S, E>): EventHandlers<S, E> {
    return handlers;
  }

  protected override evolveState(state: S, event: HistoryEvent<E>, version: number | undefined): S {
    const handlers = this.handlers as unknown as Record<string, AnyHandler>;
    // Own properties only: an event type such as "constructor" must not find Object.prototype's.
    const handler = Object.hasOwn(handlers, event.type) ? handlers[event.type] : undefined;
    if (typeof handler === 'function') return handler.call(handlers, state, event) as S;
    if (version !== undefined && this.unknownEvents === 'ignore') return state;
    throw new UnknownEventTypeError({
      aggregateType: this.constructor.name,
      eventType: String(event.type),
      streamId: this.id,
      ...(version === undefined ? {} : { version }),
    });
  }
}
