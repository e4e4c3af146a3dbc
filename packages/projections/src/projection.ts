import type { EventShape, StoredEvent } from '@dynamo-es/event-store';
import { assertDocumentKey } from './codec/document-codec.js';
import { InvalidProjectionError } from './errors.js';
import { PROJECTION_NAME_PATTERN } from './validation.js';

/**
 * The read-model API a handler gets: documents addressed by a string key, holding plain data
 * (whatever the event store's value codec round-trips: objects, arrays, strings, finite numbers,
 * booleans, null, Uint8Array). Writes are buffered in the batch's unit of work and committed
 * atomically with the projection's checkpoint; handlers never touch the AWS SDK.
 *
 * @example
 * const handler = async (event, ctx: ReadModelContext<Account>) => {
 *   await ctx.update(event.streamId, (account) => ({ ...account!, balance: account!.balance + event.data.amount }));
 * };
 */
export interface ReadModelContext<D = unknown> {
  /** The document, or `undefined` when it does not exist. Returns a fresh copy on every call. */
  get<T extends D = D>(key: string): Promise<T | undefined>;
  /** Replaces (or creates) the document. Validated and copied at once; written at commit. */
  put<T extends D = D>(key: string, document: T): void;
  /**
   * Reads the document, passes it to `change` and stores the result; returning `undefined`
   * deletes the document. Returns the new document.
   */
  update<T extends D = D>(
    key: string,
    change: (current: T | undefined) => T | undefined,
  ): Promise<T | undefined>;
  /** Deletes the document (a no-op when it does not exist). */
  delete(key: string): void;
  /** Which projection (and version of its read model) is being built. */
  readonly projection: { readonly name: string; readonly version: number };
}

/**
 * A handler of one event type. It must be deterministic: replays and rebuilds call it again.
 * What it returns (or its promise resolves to) is ignored, so `(event, ctx) => ctx.update(...)`
 * fits; the changes are applied after the handler's promise settles.
 *
 * @example
 * const onDeposit: ProjectionHandler<MoneyDeposited, Account> = (event, ctx) => ctx.delete(event.streamId);
 */
export type ProjectionHandler<E extends EventShape, D> = (
  event: StoredEvent<E>,
  ctx: ReadModelContext<D>,
) => unknown;

/**
 * Handlers keyed by event type; types without a handler are skipped by the projection.
 *
 * @example
 * const handlers: ProjectionHandlers<BankEvent, Account> = { AccountClosed: (event, ctx) => ctx.delete(event.streamId) };
 */
export type ProjectionHandlers<E extends EventShape, D> = {
  readonly [K in E['type']]?: ProjectionHandler<Extract<E, { readonly type: K }>, D>;
};

/**
 * What happens to the later events of a stream once one of its events is dead-lettered:
 * - `'park-stream'` (default): the stream stops at the poison event; its read model stays at the
 *   last good version (stale but never wrong) until `replayDeadLetters` applies the event and the
 *   rest of the stream in order.
 * - `'skip-event'`: the stream moves on without the event; a later replay applies it out of order.
 *   Only for projections whose handlers tolerate that (e.g. independent counters).
 *
 * @example
 * defineProjection<BankEvent>({ name: 'deposit-counts', onPoisonEvent: 'skip-event', handlers });
 */
export type PoisonEventPolicy = 'park-stream' | 'skip-event';

/**
 * What {@link defineProjection} takes.
 *
 * @example
 * const definition: ProjectionDefinition<BankEvent, Account> = { name: 'accounts', version: 2, handlers };
 */
export interface ProjectionDefinition<E extends EventShape, D> {
  /** Stable name: letters, digits, `_`, `.` and `-`; part of every read-model key. */
  readonly name: string;
  /** Version of the read model (default 1). Bump it and rebuild when the handlers change meaning. */
  readonly version?: number;
  readonly handlers: ProjectionHandlers<E, D>;
  /**
   * Optional hint: the keys of the documents the handler of `event` will read. They are fetched
   * in one `BatchGetItem` per batch together with the checkpoints, instead of one `GetItem` per
   * document on first use. A wrong hint costs a read, never correctness.
   */
  readonly prefetch?: (event: StoredEvent<E>) => string | readonly string[] | undefined;
  readonly onPoisonEvent?: PoisonEventPolicy;
  /**
   * The key of the document that belongs to a stream: only that stream's events change it (an
   * account summary keyed by the account's stream). The stream's checkpoint is then kept inside
   * that document, so a batch that changes only it costs one conditional `PutItem` (1 WCU per KB)
   * instead of a transaction of the document and a checkpoint item (2 x 2 WCU), and reading the
   * checkpoint reads the document too. Other documents the handlers change go into a transaction
   * with it, as without this option. Writing another stream's document from a handler is refused
   * by the write's condition (the batch is retried, then redelivered), never applied.
   *
   * @example
   * defineProjection<BankEvent, Account>({ name: 'accounts', streamDocument: (streamId) => streamId, handlers });
   */
  readonly streamDocument?: (streamId: string) => string;
}

declare const projectionTypes: unique symbol;

/**
 * A projection as the stream handler, the rebuild and the readers use it. Create with {@link defineProjection}.
 *
 * @example
 * const projections: Projection[] = [accounts, bankTotals];
 */
export interface Projection<E extends EventShape = EventShape, D = unknown> {
  readonly name: string;
  readonly version: number;
  readonly onPoisonEvent: PoisonEventPolicy;
  /** The event types this projection has handlers for. */
  readonly eventTypes: readonly string[];
  handles(type: string): boolean;
  /** Runs the handler of the event's type (nothing when there is none). */
  apply(event: StoredEvent, ctx: ReadModelContext): Promise<void>;
  /** The document keys to prefetch for the event (see `prefetch`). */
  prefetchKeys(event: StoredEvent): string[];
  /** The key of a stream's own document, which holds the stream's checkpoint (see `streamDocument`). */
  readonly streamDocument?: (streamId: string) => string;
  /** Type-level only (never set): the event union and document type, for inference. */
  readonly [projectionTypes]?: { readonly event: E; readonly document: D };
}

/**
 * Defines a projection: plain typed handlers over events that change documents through `ctx`.
 * The Lambda handler, the stream runner, rebuilds and {@link projectInMemory} all run this code.
 *
 * @example
 * type BankEvent =
 *   | { type: 'AccountOpened'; data: { owner: string } }
 *   | { type: 'MoneyDeposited'; data: { amount: number } };
 * type Account = { owner: string; balance: number };
 *
 * export const accounts = defineProjection<BankEvent, Account>({
 *   name: 'accounts',
 *   handlers: {
 *     AccountOpened: (event, ctx) => ctx.put(event.streamId, { owner: event.data.owner, balance: 0 }),
 *     MoneyDeposited: async (event, ctx) => {
 *       await ctx.update(event.streamId, (a) => a && { ...a, balance: a.balance + event.data.amount });
 *     },
 *   },
 * });
 */
export function defineProjection<E extends EventShape, D = unknown>(
  definition: ProjectionDefinition<E, D>,
): Projection<E, D> {
  const {
    name,
    version = 1,
    handlers,
    prefetch,
    onPoisonEvent = 'park-stream',
    streamDocument,
  } = validate(definition);
  const table = new Map<string, (event: StoredEvent, ctx: ReadModelContext) => unknown>(
    Object.entries(handlers as unknown as Record<string, never>).filter(
      ([, handler]) => handler !== undefined,
    ),
  );
  return Object.freeze({
    name,
    version,
    onPoisonEvent,
    eventTypes: Object.freeze([...table.keys()]),
    handles: (type: string) => table.has(type),
    apply: async (event: StoredEvent, ctx: ReadModelContext) => {
      await table.get(event.type)?.(event, ctx);
    },
    prefetchKeys: (event: StoredEvent): string[] => {
      if (!prefetch || !table.has(event.type)) return [];
      const keys = prefetch(event as StoredEvent<E>);
      if (keys === undefined) return [];
      return typeof keys === 'string' ? [keys] : [...keys];
    },
    ...(streamDocument ? { streamDocument: ownDocument(streamDocument) } : {}),
  });
}

/** The user's `streamDocument`, checked on every call: a bad key fails the event, not the batch. */
function ownDocument(streamDocument: (streamId: string) => string): (streamId: string) => string {
  return (streamId) => {
    const key = streamDocument(streamId);
    assertDocumentKey(key);
    return key;
  };
}

function validate<E extends EventShape, D>(
  definition: ProjectionDefinition<E, D>,
): ProjectionDefinition<E, D> {
  if (typeof definition !== 'object' || definition === null) {
    throw new InvalidProjectionError('definition', 'expected { name, handlers }');
  }
  if (typeof definition.name !== 'string' || !PROJECTION_NAME_PATTERN.test(definition.name)) {
    throw new InvalidProjectionError(
      'name',
      `expected 1-100 letters, digits, "_", "." or "-", got ${String(definition.name)}`,
    );
  }
  const { version } = definition;
  if (version !== undefined && (!Number.isSafeInteger(version) || version < 1)) {
    throw new InvalidProjectionError('version', `expected a positive integer, got ${String(version)}`);
  }
  if (typeof definition.handlers !== 'object' || definition.handlers === null) {
    throw new InvalidProjectionError('handlers', 'expected an object of handlers keyed by event type');
  }
  for (const [type, handler] of Object.entries(definition.handlers)) {
    if (handler !== undefined && typeof handler !== 'function')
      throw new InvalidProjectionError(`handlers.${type}`, 'expected a function');
  }
  if (definition.streamDocument !== undefined && typeof definition.streamDocument !== 'function') {
    throw new InvalidProjectionError('streamDocument', 'expected a function of the stream id');
  }
  const policy = definition.onPoisonEvent;
  if (policy !== undefined && policy !== 'park-stream' && policy !== 'skip-event') {
    throw new InvalidProjectionError(
      'onPoisonEvent',
      `expected 'park-stream' or 'skip-event', got ${String(policy)}`,
    );
  }
  return definition;
}
