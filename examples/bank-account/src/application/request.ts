import { createHash, randomUUID } from 'node:crypto';
import type { EventMetadata } from '@dynamo-es/event-store';

/**
 * Who asked for a command, carried into every event's metadata.
 *
 * - `requestId`: the client's idempotency key. The same request sent twice (a retry after a
 *   timeout) is applied once: the events' ids are derived from it.
 * - `correlationId`: ties together everything one user action caused (default: the request id,
 *   or a new id).
 */
export interface CommandContext {
  readonly requestId?: string;
  readonly correlationId?: string;
}

/** A command as it is recorded in metadata: its name, and a fingerprint of its arguments. */
export interface CommandDescription {
  readonly name: string;
  readonly arguments: readonly unknown[];
}

/** Metadata keys this application writes besides `correlationId` / `causationId`. */
export interface BankEventMetadata extends EventMetadata {
  readonly command: string;
  readonly requestId?: string;
  /** Fingerprint of the command's arguments: a reused request id with other arguments is refused. */
  readonly requestHash?: string;
}

/** A short, stable fingerprint of a command: name and arguments. */
export function fingerprint(command: CommandDescription): string {
  return createHash('sha256')
    .update(JSON.stringify([command.name, ...command.arguments]))
    .digest('base64url')
    .slice(0, 22);
}

/**
 * The metadata of the events of one command. The causation id is the id of this command message,
 * new for every command received (a retried request included): when the store hands back events
 * with another causation id, another command wrote them, i.e. this request had already been applied.
 */
export function commandMetadata(command: CommandDescription, context: CommandContext): BankEventMetadata {
  const causationId = randomUUID();
  return {
    correlationId: context.correlationId ?? context.requestId ?? causationId,
    causationId,
    command: command.name,
    ...(context.requestId === undefined
      ? {}
      : { requestId: context.requestId, requestHash: fingerprint(command) }),
  };
}
