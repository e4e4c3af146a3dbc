import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventStore, type Logger } from '@dynamo-es/event-store';
import { definePublication, type IntegrationMessage, Publisher, type Sink } from '@dynamo-es/publisher';
import type { BankTables } from '../app/tables.js';
import {
  type AccountClosedV1,
  BANK_CONTRACT_VERSION,
  BANK_PUBLICATION,
  type BankMessage,
  BankMessageType,
  type TransferReceivedV1,
  type TransferSentV1,
} from '../contract/bank-messages.js';
import type { AccountEvent } from '../domain/bank-account.js';

/** A message of the contract, checked against it by the compiler. */
const message = <M extends BankMessage>(type: M['type'], data: M['data']): IntegrationMessage<M['data']> => ({
  type,
  version: BANK_CONTRACT_VERSION,
  data,
});

/**
 * What leaves the bank: transfers (both halves) and closings, mapped from the internal events to
 * the public contract of `../contract/bank-messages.ts`. Deposits and withdrawals stay inside.
 * A transfer is one atomic append of `TransferSent` and `TransferReceived` to two streams, so it
 * becomes two messages, one per account stream, each in its stream's order.
 */
export const bankPublication = definePublication<AccountEvent>({
  name: BANK_PUBLICATION,
  messages: {
    TransferSent: ({ streamId, data }) =>
      message<TransferSentV1>(BankMessageType.TransferSent, {
        transferId: data.transferId,
        accountId: streamId,
        toAccountId: data.to,
        amount: data.amount,
      }),
    TransferReceived: ({ streamId, data }) =>
      message<TransferReceivedV1>(BankMessageType.TransferReceived, {
        transferId: data.transferId,
        accountId: streamId,
        fromAccountId: data.from,
        amount: data.amount,
      }),
    AccountClosed: ({ streamId }) =>
      message<AccountClosedV1>(BankMessageType.AccountClosed, { accountId: streamId }),
  },
});

/**
 * The bank's publisher: the publication's checkpoints and dead letters live in the bank's
 * read-model table (beside the projections'), the sink is given (Kinesis locally, SNS in `infra/`).
 *
 * @example
 * const publisher = createBankPublisher({ client, tables, sink: snsSink({ client: sns, topicArn }) });
 * export const handler = publisher.streamHandler(bankPublication);
 */
export function createBankPublisher(options: {
  readonly client: DynamoDBClient;
  readonly tables: Pick<BankTables, 'events' | 'readModels'>;
  readonly sink: Sink;
  readonly logger?: Logger;
}): Publisher {
  const { client, tables, sink, logger } = options;
  return new Publisher({
    client,
    eventStore: new EventStore<AccountEvent>({ client, tableName: tables.events }),
    tableName: tables.readModels,
    sink,
    ...(logger ? { logger } : {}),
  });
}
