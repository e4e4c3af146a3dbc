import * as iam from 'aws-cdk-lib/aws-iam';

/** The ARNs a handler's permissions are scoped to. */
export interface PermissionTargets {
  readonly eventsTableArn: string;
  readonly eventsStreamArn: string;
  readonly snapshotsTableArn: string;
  readonly idempotencyTableArn: string;
  readonly readModelTableArn: string;
  readonly deadLetterQueueArn: string;
}

const allow = (actions: string[], resources: string[]) => new iam.PolicyStatement({ actions, resources });

/**
 * What the HTTP API handler may do, and nothing more.
 *
 * - events: `PutItem` appends one event with `attribute_not_exists` (the cheap path); a transfer is
 *   a `TransactWriteItems`, which IAM authorizes per item as `PutItem` plus `ConditionCheckItem`
 *   (there is no `TransactWriteItems` action); `Query` loads a stream.
 * - snapshots: `GetItem` before loading, conditional `PutItem` after appending.
 * - idempotency records: `GetItem` of a request id's record before a command, and its conditional
 *   `PutItem` inside the command's `TransactWriteItems` (or alone, for a command that decided nothing).
 * - read models: `GetItem` of a document or active-version pointer, `Query` for the statement.
 *
 * @example
 * for (const statement of httpHandlerStatements(targets)) httpFunction.addToRolePolicy(statement);
 */
export function httpHandlerStatements(targets: PermissionTargets): iam.PolicyStatement[] {
  return [
    allow(['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'], [targets.eventsTableArn]),
    allow(['dynamodb:GetItem', 'dynamodb:PutItem'], [targets.snapshotsTableArn]),
    allow(['dynamodb:GetItem', 'dynamodb:PutItem'], [targets.idempotencyTableArn]),
    allow(['dynamodb:GetItem', 'dynamodb:Query'], [targets.readModelTableArn]),
  ];
}

/**
 * What the projection handler may do, and nothing more.
 *
 * - read models: documents and checkpoints are read (`GetItem`, `BatchGetItem`, `Query`) and
 *   written together in one transaction (`PutItem`, `UpdateItem`, `DeleteItem`,
 *   `ConditionCheckItem`: IAM authorizes `TransactWriteItems` per item); dead letters are `PutItem`s.
 * - events: `Query` only, to fill a version gap from the store when the stream delivers out of order.
 * - stream: what Lambda's poller needs to read the events table's stream on the function's behalf.
 * - dead-letter queue: `SendMessage` only, for the batches the event source mapping gives up on.
 *
 * @example
 * for (const statement of projectionHandlerStatements(targets)) projectionFunction.addToRolePolicy(statement);
 */
export function projectionHandlerStatements(targets: PermissionTargets): iam.PolicyStatement[] {
  return [
    allow(
      [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:Query',
      ],
      [targets.readModelTableArn],
    ),
    allow(['dynamodb:Query'], [targets.eventsTableArn]),
    allow(
      ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
      [targets.eventsStreamArn],
    ),
    allow(['sqs:SendMessage'], [targets.deadLetterQueueArn]),
  ];
}
