import { fileURLToPath } from 'node:url';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import {
  eventTableDefinition,
  idempotencyTableDefinition,
  snapshotTableDefinition,
} from '@dynamo-es/event-store';
import { readModelTableDefinition } from '@dynamo-es/projections';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Construct } from 'constructs';
import { BankHttpApi } from './bank-http-api.js';
import { InvalidTableDefinitionError } from './errors.js';
import { HandlerEnvironment } from './handler-environment.js';
import { handlerFunction } from './handler-function.js';
import { httpHandlerStatements, projectionHandlerStatements } from './permissions.js';
import { ProjectionFeed, type ProjectionFeedSettings } from './projection-feed.js';
import { tableFromDefinition } from './table-from-definition.js';

const lambdaSource = (file: string) => fileURLToPath(new URL(`../../src/lambda/${file}`, import.meta.url));

/** The tables, as the dynamo-es packages define them. Override only to test the stack. */
export interface BankAccountTableDefinitions {
  readonly events: CreateTableCommandInput;
  readonly snapshots: CreateTableCommandInput;
  readonly idempotency: CreateTableCommandInput;
  readonly readModels: CreateTableCommandInput;
}

export interface BankAccountStackProps extends StackProps {
  /** HTTP API handler (exports `handler`). Default: `examples/bank-account/src/lambda/http-api.ts`. */
  readonly httpHandlerEntry?: string;
  /** Projection handler (exports `handler`). Default: `examples/bank-account/src/lambda/projections.ts`. */
  readonly projectionHandlerEntry?: string;
  /**
   * Removal policy of the events table, the system of record, and of the idempotency table (which
   * remembers which requests were applied: it cannot be rebuilt from the events). Default:
   * `RETAIN`, so deleting the stack never deletes them. Snapshots and read models are derived from
   * the events and always go with the stack.
   */
  readonly removalPolicy?: RemovalPolicy;
  /** Default: the `…TableDefinition` functions of the dynamo-es packages. */
  readonly tableDefinitions?: Partial<BankAccountTableDefinitions>;
  /** Event source mapping tuning; see {@link ProjectionFeedSettings} for the defaults. */
  readonly projectionFeed?: ProjectionFeedSettings;
  /** HTTP API stage throttling. Default: 50 requests/s, bursts of 100. */
  readonly apiThrottle?: ThrottleSettings;
}

/**
 * The bank-account example on AWS: the events, snapshots, idempotency and read-model tables, the HTTP API
 * handler behind an API Gateway HTTP API, and the projection handler fed by the events table's
 * stream, each function allowed exactly the DynamoDB actions it performs.
 *
 * @example
 * new BankAccountStack(new App(), 'DynamoEsBankAccount', { removalPolicy: RemovalPolicy.DESTROY });
 */
export class BankAccountStack extends Stack {
  constructor(scope: Construct, id: string, props: BankAccountStackProps = {}) {
    super(scope, id, props);
    const definitions = {
      events: eventTableDefinition('events'),
      snapshots: snapshotTableDefinition('snapshots'),
      idempotency: idempotencyTableDefinition('idempotency'),
      readModels: readModelTableDefinition('read-models'),
      ...props.tableDefinitions,
    };
    const kept = { removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN, pointInTimeRecovery: true };
    const events = tableFromDefinition(this, 'EventsTable', definitions.events, kept);
    const idempotency = tableFromDefinition(this, 'IdempotencyTable', definitions.idempotency, kept);
    const derived = { removalPolicy: RemovalPolicy.DESTROY };
    const snapshots = tableFromDefinition(this, 'SnapshotsTable', definitions.snapshots, derived);
    const readModels = tableFromDefinition(this, 'ReadModelTable', definitions.readModels, derived);
    if (events.tableStreamArn === undefined) {
      throw new InvalidTableDefinitionError('EventsTable', 'has no stream, so projections could not be fed');
    }

    const httpHandler = handlerFunction(this, 'HttpApiHandler', {
      entry: props.httpHandlerEntry ?? lambdaSource('http-api.ts'),
      description: 'dynamo-es bank: commands and queries of the HTTP API',
      timeout: Duration.seconds(10),
      environment: {
        [HandlerEnvironment.EventsTable]: events.tableName,
        [HandlerEnvironment.SnapshotsTable]: snapshots.tableName,
        [HandlerEnvironment.IdempotencyTable]: idempotency.tableName,
        [HandlerEnvironment.ReadModelTable]: readModels.tableName,
      },
    });
    const projectionHandler = handlerFunction(this, 'ProjectionHandler', {
      entry: props.projectionHandlerEntry ?? lambdaSource('projections.ts'),
      description: 'dynamo-es bank: projects the events stream into the read models',
      timeout: Duration.seconds(60),
      environment: {
        [HandlerEnvironment.EventsTable]: events.tableName,
        [HandlerEnvironment.ReadModelTable]: readModels.tableName,
      },
    });

    const feed = new ProjectionFeed(this, 'ProjectionFeed', {
      ...props.projectionFeed,
      handler: projectionHandler,
      eventsStreamArn: events.tableStreamArn,
    });
    const targets = {
      eventsTableArn: events.tableArn,
      eventsStreamArn: events.tableStreamArn,
      snapshotsTableArn: snapshots.tableArn,
      idempotencyTableArn: idempotency.tableArn,
      readModelTableArn: readModels.tableArn,
      deadLetterQueueArn: feed.deadLetterQueue.queueArn,
    };
    for (const statement of httpHandlerStatements(targets)) httpHandler.addToRolePolicy(statement);
    for (const statement of projectionHandlerStatements(targets))
      projectionHandler.addToRolePolicy(statement);
    // The mapping validates its permissions when it is created: it must wait for the policy.
    feed.mapping.node.addDependency(projectionHandler.role ?? projectionHandler);

    const api = new BankHttpApi(this, 'Api', {
      handler: httpHandler,
      throttle: props.apiThrottle ?? { rateLimit: 50, burstLimit: 100 },
    });

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Base URL of the bank HTTP API' });
    new CfnOutput(this, 'EventsTableName', { value: events.tableName });
    new CfnOutput(this, 'SnapshotsTableName', { value: snapshots.tableName });
    new CfnOutput(this, 'IdempotencyTableName', { value: idempotency.tableName });
    new CfnOutput(this, 'ReadModelTableName', { value: readModels.tableName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: feed.deadLetterQueue.queueUrl });
  }
}
