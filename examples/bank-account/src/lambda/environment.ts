/**
 * Environment variables through which the Lambda functions learn their table names (set by the CDK
 * stack in `infra/`, see `infra/src/handler-environment.ts`).
 */
export const TableEnvironment = {
  Events: 'EVENTS_TABLE_NAME',
  Snapshots: 'SNAPSHOTS_TABLE_NAME',
  Idempotency: 'IDEMPOTENCY_TABLE_NAME',
  ReadModels: 'READ_MODEL_TABLE_NAME',
  /** The feed table, as `FeedIndexer` of `@dynamo-es/cdk` sets it. */
  Feed: 'FEED_TABLE_NAME',
  /** The publication's checkpoints and dead letters, as `StreamPublication` of `@dynamo-es/cdk` sets it. */
  PublicationCheckpoints: 'CHECKPOINT_TABLE_NAME',
  /** Fraud-watch's own table (set by `FraudWatchService` in `infra/`). */
  FraudWatch: 'FRAUD_WATCH_TABLE_NAME',
} as const;

/** The SNS topic of the bank's messages, as `StreamPublication` sets it for an SNS sink. */
export const PUBLICATION_TOPIC_ARN = 'PUBLICATION_TOPIC_ARN';

/** Environment variables of the bank's settings (optional: each has a default). */
export const SettingEnvironment = {
  /** Transfers above this many minor units wait for approval (default: none do). */
  ApprovalLimit: 'APPROVAL_LIMIT',
  /** How long an approval may take, in seconds (default one day). */
  ApprovalWindowSeconds: 'APPROVAL_WINDOW_SECONDS',
} as const;

/**
 * A positive whole number from the environment, `undefined` when unset. Read when the module
 * loads, so a bad value fails the function's initialisation with a clear message.
 *
 * @throws Error naming the variable when it is set to anything but a positive whole number.
 */
export function numberEnv(name: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new Error(
      `Environment variable ${name} must be a positive whole number, not ${JSON.stringify(value)}`,
    );
  }
  return number;
}

/**
 * The value of a required environment variable. Read when the module loads, so a missing one fails
 * the function's initialisation with a clear message instead of every request.
 *
 * @throws Error naming the variable when it is unset or empty.
 */
export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new Error(
      `Environment variable ${name} is not set (the CDK stack in examples/bank-account/infra sets it)`,
    );
  }
  return value;
}
