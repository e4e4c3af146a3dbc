import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Logger } from '@dynamo-es/event-store';
import { createReadModelTable } from '@dynamo-es/projections';
import { type ConsumeStats, MessageConsumer } from '@dynamo-es/publisher';
import {
  accountKey,
  FLAGGED_KEY,
  type FlaggedAccounts,
  type WatchedAccount,
  watchProjection,
} from './watch-projection.js';

/**
 * Fraud-watch, the bank's second service: it knows the bank only by its public messages
 * (`../contract/bank-messages.ts`) and keeps its own table. Its Lambda handlers (`consumer`) take
 * the messages from SQS, SNS or Kinesis, suppress duplicates by message id and apply them in each
 * account's order; `account` and `flagged` read what it built.
 */
export interface FraudWatch {
  readonly consumer: MessageConsumer;
  account(accountId: string): Promise<WatchedAccount | undefined>;
  /** Accounts whose outgoing transfers went above the threshold, in the order they were flagged. */
  flagged(): Promise<readonly string[]>;
  /** Every watched account, by account id (a `Scan`: for tests and tools). */
  accounts(): Promise<Map<string, WatchedAccount>>;
}

export interface FraudWatchOptions {
  readonly client: DynamoDBClient;
  /** Fraud-watch's own read-model table (see {@link createFraudWatchTable}). */
  readonly tableName: string;
  readonly logger?: Logger;
  /** Called with each batch's counts (messages applied, duplicates suppressed, failed). */
  readonly onConsumed?: (stats: ConsumeStats) => void;
}

/** Fraud-watch on its table. */
export function createFraudWatch(options: FraudWatchOptions): FraudWatch {
  const consumer = new MessageConsumer({
    client: options.client,
    tableName: options.tableName,
    projections: [watchProjection],
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.onConsumed ? { onConsumed: options.onConsumed } : {}),
  });
  const reader = consumer.reader<WatchedAccount | FlaggedAccounts>(watchProjection);
  return {
    consumer,
    account: (accountId) => reader.get<WatchedAccount>(accountKey(accountId)),
    flagged: async () => (await reader.get<FlaggedAccounts>(FLAGGED_KEY))?.accountIds ?? [],
    accounts: async () => {
      const accounts = new Map<string, WatchedAccount>();
      for (const [key, document] of await reader.list()) {
        if (key.startsWith(accountKey('')))
          accounts.set(key.slice(accountKey('').length), document as WatchedAccount);
      }
      return accounts;
    },
  };
}

/** Creates fraud-watch's table unless it exists: an ordinary read-model table of `@dynamo-es/projections`. */
export const createFraudWatchTable = (client: DynamoDBClient, tableName: string): Promise<void> =>
  createReadModelTable(client, { tableName });
