import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StreamRunner } from '@dynamo-es/stream-runner';
import { createBankProjectionHandler } from '../../src/app/bank-app.js';
import type { BankTables } from '../../src/app/tables.js';
import type { LagTracker } from './lag-tracker.js';
import { keptLogger, localStreamRunner } from './local-stream.js';

/** The projections running locally on the events table's stream, with what they reported. */
export interface LocalProjections {
  readonly runner: StreamRunner;
  /** Warnings and errors the projection handler and the runner reported. */
  logs(): readonly string[];
  stop(): Promise<void>;
}

/**
 * Runs the very projection handler the Lambda function exports through `StreamRunner`, which reads
 * the events table's real DynamoDB Stream (DynamoDB Local implements the Streams API) and invokes
 * the handler as Lambda's event source mapping would. Warnings are kept for the report instead of
 * being printed through the progress bar.
 */
export async function startLocalProjections(
  client: DynamoDBClient,
  tables: BankTables,
  options: { readonly batchSize?: number; readonly lag?: LagTracker } = {},
): Promise<LocalProjections> {
  const logs: string[] = [];
  const runner = localStreamRunner({
    client,
    tableName: tables.events,
    handler: createBankProjectionHandler({ client, tables, logger: keptLogger(logs) }),
    name: 'projections',
    logs,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
  });
  await runner.start();
  const sampler = setInterval(() => options.lag?.sample(runner.stats().recordsAcknowledged), 100);
  sampler.unref();
  return {
    runner,
    logs: () => logs,
    stop: async () => {
      clearInterval(sampler);
      await runner.stop();
    },
  };
}
