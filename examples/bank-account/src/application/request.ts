import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '@dynamo-es/event-store';

/**
 * Who asked for a command, carried into every event's metadata.
 *
 * - `requestId`: the client's idempotency key. A request sent again (a retry after a timeout) is
 *   applied once and answered as a replay; the same id with another command, or on another
 *   account, is refused (`REQUEST_ID_REUSED`). Request ids are unique bank-wide.
 * - `correlationId`: ties together everything one user action caused (default: the request id,
 *   or a new id).
 */
export interface CommandContext {
  readonly requestId?: string;
  readonly correlationId?: string;
}

/** Metadata keys this application writes besides `correlationId` / `causationId`. */
export interface BankEventMetadata extends EventMetadata {
  readonly command: string;
  readonly requestId?: string;
}

/**
 * The options every command of the bank passes to `@dynamo-es/aggregate`: the metadata of its
 * events (the causation id is the id of this command message) and, with a request id, what makes
 * it idempotent: the id as key, the command's name and its arguments (a retry with other
 * arguments is a reused id, not a retry).
 */
export function commandOptions(command: string, payload: unknown, context: CommandContext) {
  const causationId = randomUUID();
  const { requestId } = context;
  const metadata: BankEventMetadata = {
    correlationId: context.correlationId ?? requestId ?? causationId,
    causationId,
    command,
    ...(requestId === undefined ? {} : { requestId }),
  };
  return {
    metadata,
    ...(requestId === undefined ? {} : { idempotency: { key: requestId, command, payload } }),
  };
}
