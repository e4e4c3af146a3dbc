import type { EventShape, StoredEvent } from '@dynamo-es/event-store';
import type { PoisonEventPolicy } from '@dynamo-es/projections';
import { InvalidPublicationError } from './errors.js';

/**
 * An integration message: the public, versioned contract another service consumes. It is not the
 * stored event (internal events are not the public API): a mapping decides what leaves the service.
 *
 * @example
 * const message: IntegrationMessage = { type: 'bank.TransferSent', version: 1, data: { transferId, amount } };
 */
export interface IntegrationMessage<D = unknown> {
  /** Public type name (1-128 characters), e.g. `bank.TransferSent`. */
  readonly type: string;
  /** Version of that type's contract (a positive integer): bump it on a breaking change. */
  readonly version: number;
  /** Plain JSON data. */
  readonly data: D;
}

/**
 * One mapping per published event type, checked against the event union: returning `undefined`
 * publishes nothing for that event; throwing makes the event poison (retried, then dead-lettered).
 *
 * @example
 * const messages: MessageMappers<BankEvent> = {
 *   AccountClosed: (event) => ({ type: 'bank.AccountClosed', version: 1, data: { accountId: event.streamId } }),
 * };
 */
export type MessageMappers<E extends EventShape> = {
  readonly [K in E['type']]?: (
    event: StoredEvent<Extract<E, { readonly type: K }>>,
  ) => IntegrationMessage | undefined;
};

/**
 * What {@link definePublication} takes.
 *
 * @example
 * const definition: PublicationDefinition<BankEvent> = { name: 'bank-public', messages };
 */
export interface PublicationDefinition<E extends EventShape> {
  /** Stable name (1-96 letters, digits, `_`, `.`, `-`): the message `source`, part of checkpoint keys. */
  readonly name: string;
  /** Version of the publication's checkpoints (default 1): a new version publishes from scratch. */
  readonly version?: number;
  /** Selection by type and mapping: only the types listed here leave the service. */
  readonly messages: MessageMappers<E>;
  /** Only streams whose id starts with this (or one of these) prefix. */
  readonly streamPrefix?: string | readonly string[];
  /** Only events for which this returns true (runs after the type and prefix selection). */
  readonly where?: (event: StoredEvent<E>) => boolean;
  /** What a poison event (its mapping throws) does to its stream; default `'park-stream'`. */
  readonly onPoisonEvent?: PoisonEventPolicy;
}

declare const publicationTypes: unique symbol;

/**
 * A publication: which events leave the service and as which messages. Create with {@link definePublication}.
 *
 * @example
 * const handler = publisher.streamHandler(bankPublic);
 */
export interface Publication<E extends EventShape = EventShape> {
  readonly name: string;
  readonly version: number;
  readonly onPoisonEvent: PoisonEventPolicy;
  /** The event types it publishes. */
  readonly eventTypes: readonly string[];
  handles(type: string): boolean;
  /** The message of a stored event, or `undefined` when the event is not selected. Throws what the mapping throws. */
  toMessage(event: StoredEvent): IntegrationMessage | undefined;
  /** Type-level only (never set). */
  readonly [publicationTypes]?: E;
}

/** Publication names: inside checkpoint keys as `pub.<name>`, within the projections' 100 characters. */
const PUBLICATION_NAME = /^[A-Za-z0-9_.-]{1,96}$/;

/**
 * Defines a publication: the events selected by type (the keys of `messages`), stream prefix and
 * predicate, each mapped to an integration message. Its checkpoints and dead letters live in the
 * read-model table under the name `pub.<name>`, so they never collide with a projection's.
 *
 * @example
 * export const bankPublic = definePublication<BankEvent>({
 *   name: 'bank-public',
 *   streamPrefix: 'account-',
 *   messages: {
 *     TransferSent: (event) => ({ type: 'bank.TransferSent', version: 1, data: { amount: event.data.amount } }),
 *     AccountClosed: (event) => ({ type: 'bank.AccountClosed', version: 1, data: { accountId: event.streamId } }),
 *   },
 * });
 */
export function definePublication<E extends EventShape>(
  definition: PublicationDefinition<E>,
): Publication<E> {
  const { name, version = 1, onPoisonEvent = 'park-stream', where } = validate(definition);
  const prefixes = prefixesOf(definition.streamPrefix);
  const mappers = new Map<string, (event: StoredEvent) => IntegrationMessage | undefined>(
    Object.entries(definition.messages as unknown as Record<string, never>).filter(
      ([, mapper]) => mapper !== undefined,
    ),
  );
  return Object.freeze({
    name,
    version,
    onPoisonEvent,
    eventTypes: Object.freeze([...mappers.keys()]),
    handles: (type: string) => mappers.has(type),
    toMessage: (event: StoredEvent) => {
      const mapper = mappers.get(event.type);
      if (!mapper) return undefined;
      if (prefixes.length > 0 && !prefixes.some((prefix) => event.streamId.startsWith(prefix)))
        return undefined;
      if (where && !where(event as StoredEvent<E>)) return undefined;
      return mapper(event);
    },
  });
}

function prefixesOf(prefix: string | readonly string[] | undefined): readonly string[] {
  if (prefix === undefined) return [];
  const list = typeof prefix === 'string' ? [prefix] : prefix;
  if (!Array.isArray(list) || list.length === 0 || list.some((p) => typeof p !== 'string' || p === '')) {
    throw new InvalidPublicationError(
      'streamPrefix',
      'expected a non-empty string or a non-empty array of them',
    );
  }
  return [...list];
}

function validate<E extends EventShape>(definition: PublicationDefinition<E>): PublicationDefinition<E> {
  if (typeof definition !== 'object' || definition === null) {
    throw new InvalidPublicationError('definition', 'expected { name, messages }');
  }
  if (typeof definition.name !== 'string' || !PUBLICATION_NAME.test(definition.name)) {
    throw new InvalidPublicationError(
      'name',
      `expected 1-96 letters, digits, "_", "." or "-", got ${JSON.stringify(definition.name)}`,
    );
  }
  const { version } = definition;
  if (version !== undefined && (!Number.isSafeInteger(version) || version < 1)) {
    throw new InvalidPublicationError('version', `expected a positive integer, got ${String(version)}`);
  }
  const { messages } = definition;
  if (typeof messages !== 'object' || messages === null || Array.isArray(messages)) {
    throw new InvalidPublicationError('messages', 'expected an object of mappings keyed by event type');
  }
  const entries = Object.entries(messages).filter(([, mapper]) => mapper !== undefined);
  if (entries.length === 0) {
    throw new InvalidPublicationError('messages', 'expected a mapping for at least one event type');
  }
  for (const [type, mapper] of entries) {
    if (typeof mapper !== 'function') {
      throw new InvalidPublicationError(`messages.${type}`, 'expected a function of the stored event');
    }
  }
  if (definition.where !== undefined && typeof definition.where !== 'function') {
    throw new InvalidPublicationError('where', 'expected a predicate of the stored event');
  }
  const policy = definition.onPoisonEvent;
  if (policy !== undefined && policy !== 'park-stream' && policy !== 'skip-event') {
    throw new InvalidPublicationError(
      'onPoisonEvent',
      `expected 'park-stream' or 'skip-event', got ${String(policy)}`,
    );
  }
  return definition;
}
