import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DeadlineTimer, startDeadlineTimer } from '@dynamo-es/sagas';
import { StreamRunner } from '@dynamo-es/stream-runner';
import type { BankApp } from '../../src/app/bank-app.js';
import type { BankTables } from '../../src/app/tables.js';
import { createLargeTransferProcess } from '../../src/sagas/large-transfer-process.js';

/** The large-transfer saga running locally, and what its deadline poller fired. */
export interface LocalSaga {
  readonly process: ReturnType<typeof createLargeTransferProcess>;
  readonly runner: StreamRunner;
  /** Deadlines fired by the poller so far. */
  fired(): number;
  stop(): Promise<void>;
}

/**
 * Runs the large-transfer saga as it runs on AWS: its stream handler through `StreamRunner` (a
 * third consumer of the events table's stream, beside the projections and the feed indexer), and
 * its deadline poller on a timer instead of a schedule.
 */
export async function startLocalSaga(
  app: BankApp,
  client: DynamoDBClient,
  tables: BankTables,
  options: { readonly approvalWindowMs: number; readonly logs: string[] },
): Promise<LocalSaga> {
  const { logs } = options;
  const keep = (level: string) => (message: string, details?: Record<string, unknown>) => {
    logs.push(`${level} saga ${message} ${JSON.stringify(details ?? {})}`);
  };
  const process = createLargeTransferProcess({
    bank: app.bank,
    store: app.store,
    client,
    readModelTable: tables.readModels,
    approvalWindowMs: options.approvalWindowMs,
    logger: { debug: () => {}, info: () => {}, warn: keep('WARN'), error: keep('ERROR') },
  });
  const runner = new StreamRunner({
    client,
    tableName: tables.events,
    handler: process.streamHandler(),
    batchSize: 100,
    pollIntervalMs: 50,
    maxPollIntervalMs: 250,
    retryBaseDelayMs: 50,
    onError: (error, context) => logs.push(`WARN saga runner ${context.operation}: ${String(error)}`),
    onFailure: (batch) => {
      logs.push(`ERROR saga runner gave up on ${batch.batchSize} records`);
    },
  });
  await runner.start();
  let fired = 0;
  const timer: DeadlineTimer = startDeadlineTimer(process, {
    intervalMs: 200,
    onPoll: (result) => {
      fired += result.fired;
    },
    onError: (error) => logs.push(`WARN saga deadline poll: ${String(error)}`),
  });
  return {
    process,
    runner,
    fired: () => fired,
    stop: async () => {
      await timer.stop();
      await runner.stop();
    },
  };
}
