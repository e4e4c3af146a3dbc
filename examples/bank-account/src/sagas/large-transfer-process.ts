import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventStore, Logger } from '@dynamo-es/event-store';
import { SagaProcess } from '@dynamo-es/sagas';
import type { Bank } from '../application/bank.js';
import { largeTransferSaga } from './large-transfer.js';
import { largeTransferCommands } from './large-transfer-commands.js';

/** Default time a person has to approve a large transfer. */
export const DEFAULT_APPROVAL_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * The large-transfer saga, running: its stream handler (fed by the events table's stream, beside
 * the projections), its deadline poller, and the operator's tools. Its checkpoints, dead letters
 * and deadline index live in the read-model table; its state in streams `saga.large-transfer.<id>`.
 *
 * @example
 * const transfers = createLargeTransferProcess({ bank, store, client, readModelTable });
 * export const handler = transfers.streamHandler();
 */
export function createLargeTransferProcess(options: {
  readonly bank: Bank;
  readonly store: EventStore;
  readonly client: DynamoDBClient;
  readonly readModelTable: string;
  readonly approvalWindowMs?: number;
  /** The clock of decisions and deadlines (tests and the demo). */
  readonly now?: () => Date;
  readonly logger?: Logger;
}) {
  return new SagaProcess({
    saga: largeTransferSaga({ approvalWindowMs: options.approvalWindowMs ?? DEFAULT_APPROVAL_WINDOW_MS }),
    eventStore: options.store,
    commands: largeTransferCommands(options.bank),
    client: options.client,
    tableName: options.readModelTable,
    ...(options.now ? { now: options.now } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
