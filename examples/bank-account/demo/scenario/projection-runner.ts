import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Logger } from '@dynamo-es/event-store';
import { StreamRunner } from '@dynamo-es/stream-runner';
import { createBankProjectionHandler } from '../../src/app/bank-app.js';
import type { BankTables } from '../../src/app/tables.js';
import type { LagTracker } from './lag-tracker.js';

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
  const keep = (level: string) => (message: string, details?: Record<string, unknown>) => {
    logs.push(`${level} ${message} ${JSON.stringify(details ?? {})}`);
  };
  const logger: Logger = { debug: () => {}, info: () => {}, warn: keep('WARN'), error: keep('ERROR') };
  const runner = new StreamRunner({
    client,
    tableName: tables.events,
    handler: createBankProjectionHandler({ client, tables, logger }),
    // As the Lambda event source mapping of infra/ (BatchSize 100).
    batchSize: options.batchSize ?? 100,
    pollIntervalMs: 50,
    maxPollIntervalMs: 250,
    retryBaseDelayMs: 50,
    onError: (error, context) => logs.push(`WARN runner ${context.operation}: ${String(error)}`),
    onFailure: (batch) => {
      logs.push(`ERROR runner gave up on ${batch.batchSize} records of shard ${batch.shardId}`);
    },
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
