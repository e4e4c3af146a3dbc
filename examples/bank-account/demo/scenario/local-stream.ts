import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Logger } from '@dynamo-es/event-store';
import { StreamRunner, type StreamRunnerOptions } from '@dynamo-es/stream-runner';

/**
 * A consumer of the events table's stream, run locally by `StreamRunner` as Lambda's event source
 * mapping would run it (BatchSize 100, as in `infra/`, short polls), its warnings kept in `logs`
 * for the report instead of printed through the progress bar.
 */
export function localStreamRunner(options: {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly handler: StreamRunnerOptions['handler'];
  /** Names the consumer in the log lines. */
  readonly name: string;
  readonly logs: string[];
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  readonly maxPollIntervalMs?: number;
}): StreamRunner {
  const { name, logs } = options;
  return new StreamRunner({
    client: options.client,
    tableName: options.tableName,
    handler: options.handler,
    batchSize: options.batchSize ?? 100,
    pollIntervalMs: options.pollIntervalMs ?? 50,
    maxPollIntervalMs: options.maxPollIntervalMs ?? 250,
    retryBaseDelayMs: 50,
    onError: (error, context) => logs.push(`WARN ${name} runner ${context.operation}: ${String(error)}`),
    onFailure: (batch) => {
      logs.push(`ERROR ${name} runner gave up on ${batch.batchSize} records of shard ${batch.shardId}`);
    },
  });
}

/** A logger that keeps warnings and errors as lines in `logs` (debug and info are dropped). */
export function keptLogger(logs: string[], prefix = ''): Logger {
  const keep = (level: string) => (message: string, details?: Record<string, unknown>) => {
    logs.push(`${level} ${prefix}${message} ${JSON.stringify(details ?? {})}`);
  };
  return { debug: () => {}, info: () => {}, warn: keep('WARN'), error: keep('ERROR') };
}
