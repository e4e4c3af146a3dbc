import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DeadlineTimer, startDeadlineTimer } from '@dynamo-es/sagas';
import type { StreamRunner } from '@dynamo-es/stream-runner';
import type { BankApp } from '../../src/app/bank-app.js';
import type { BankTables } from '../../src/app/tables.js';
import { createLargeTransferProcess } from '../../src/sagas/large-transfer-process.js';
import { keptLogger, localStreamRunner } from './local-stream.js';

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
  const process = createLargeTransferProcess({
    bank: app.bank,
    store: app.store,
    client,
    readModelTable: tables.readModels,
    approvalWindowMs: options.approvalWindowMs,
    logger: keptLogger(logs, 'saga '),
  });
  const runner = localStreamRunner({
    client,
    tableName: tables.events,
    handler: process.streamHandler(),
    name: 'saga',
    logs,
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
