import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { readModelTableDefinition } from '@dynamo-es/projections';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { IamActions } from './actions.js';
import { DynamoEsFunction, type DynamoEsFunctionProps } from './dynamo-es-function.js';
import { InvalidPropsError } from './errors.js';
import { type EventSourceSettings, mappingSettings } from './event-source-settings.js';
import type { EventStoreTable } from './event-store-table.js';
import {
  eventsStreamMapping,
  isFunction,
  type ProjectionAlarmProps,
  type StreamAlarms,
  streamAlarms,
  streamDeadLetterQueue,
} from './stream-mapping.js';
import { tableFromDefinition } from './table-from-definition.js';

/** Environment variables through which the saga's functions learn their tables. */
export const SagaEnvironment = {
  EventsTable: 'EVENTS_TABLE_NAME',
  ReadModelTable: 'READ_MODEL_TABLE_NAME',
} as const;

export interface StreamSagaProps extends EventSourceSettings {
  /** The events table: source events and the saga's own streams. */
  readonly eventStore: EventStoreTable;
  /** The stream handler: a module exporting `process.streamHandler()`, or a function you built. */
  readonly handler: DynamoEsFunctionProps | lambda.IFunction;
  /** The deadline poller: a module exporting `process.deadlineHandler()`, or a function you built. */
  readonly deadlines: DynamoEsFunctionProps | lambda.IFunction;
  /** How often the poller runs (default every minute, the finest an EventBridge rate allows). */
  readonly pollEvery?: Duration;
  /** The read-model table (checkpoints, dead letters, deadline index). Default: a new one. */
  readonly readModelTable?: dynamodb.ITable;
  /** Default: `readModelTableDefinition` of `@dynamo-es/projections`. Override only to test. */
  readonly readModelTableDefinition?: CreateTableCommandInput;
  readonly alarms?: ProjectionAlarmProps;
}

/**
 * A saga of `@dynamo-es/sagas` in AWS: the stream handler on the events table's stream (the same
 * event source mapping, dead-letter queue and alarms as a `StreamProjection`), and the deadline
 * poller invoked by an EventBridge schedule rule. The handler may append saga steps and run the
 * saga's commands (append, idempotency keys when the event store has them), read and write its
 * checkpoints, dead letters and deadline index; the poller may query and delete due deadlines and
 * append `SagaDeadlineFired` steps. Grant the handler what else your command handlers call.
 *
 * @example
 * const transfers = new StreamSaga(this, 'Transfers', {
 *   eventStore: events,
 *   handler: { entry: 'src/lambda/transfer-saga.ts' },
 *   deadlines: { entry: 'src/lambda/transfer-deadlines.ts' },
 * });
 */
export class StreamSaga extends Construct {
  readonly function: lambda.IFunction;
  readonly deadlineFunction: lambda.IFunction;
  readonly readModelTable: dynamodb.ITable;
  readonly mapping: lambda.EventSourceMapping;
  readonly schedule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;
  readonly alarms: StreamAlarms;

  constructor(scope: Construct, id: string, props: StreamSagaProps) {
    super(scope, id);
    const settings = mappingSettings('StreamSaga', props);
    const pollEvery = props.pollEvery ?? Duration.minutes(1);
    if (pollEvery.toSeconds() < 60) {
      throw new InvalidPropsError('StreamSaga', 'pollEvery', 'an EventBridge rate is at least 1 minute');
    }
    this.readModelTable =
      props.readModelTable ??
      tableFromDefinition(
        this,
        'ReadModelTable',
        props.readModelTableDefinition ?? readModelTableDefinition('read-models'),
        { removalPolicy: RemovalPolicy.RETAIN },
      );
    const environment = {
      [SagaEnvironment.EventsTable]: props.eventStore.table.tableName,
      [SagaEnvironment.ReadModelTable]: this.readModelTable.tableName,
    };
    this.function = isFunction('StreamSaga', props.handler)
      ? props.handler
      : new DynamoEsFunction(this, 'Handler', {
          description: 'dynamo-es saga: reacts to events, sends its commands',
          timeout: Duration.seconds(60),
          ...props.handler,
          environment: { ...environment, ...props.handler.environment },
        });
    this.deadlineFunction = isFunction('StreamSaga', props.deadlines)
      ? props.deadlines
      : new DynamoEsFunction(this, 'Deadlines', {
          description: 'dynamo-es saga: fires due deadlines',
          timeout: Duration.seconds(60),
          ...props.deadlines,
          environment: { ...environment, ...props.deadlines.environment },
        });
    this.deadLetterQueue = streamDeadLetterQueue(this);
    this.#grant(props.eventStore);
    this.mapping = eventsStreamMapping(this, {
      target: this.function,
      eventStore: props.eventStore,
      settings,
      deadLetterQueue: this.deadLetterQueue,
    });
    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'dynamo-es saga: polls the due deadlines',
      schedule: events.Schedule.rate(pollEvery),
      targets: [new targets.LambdaFunction(this.deadlineFunction, { retryAttempts: 2 })],
    });
    this.alarms = streamAlarms(
      this,
      {
        construct: 'StreamSaga',
        function: this.function,
        deadLetterQueue: this.deadLetterQueue,
        subject: 'The saga',
        remedy: 'list the stuck sagas (dynamo-es sagas list --stuck), fix, then retry or abandon them',
      },
      props.alarms ?? {},
    );
  }

  #grant(eventStore: EventStoreTable): void {
    const handler = this.function;
    iam.Grant.addToPrincipal({
      grantee: handler,
      actions: [...IamActions.projectionWrite],
      resourceArns: [this.readModelTable.tableArn],
    });
    eventStore.grantAppend(handler);
    eventStore.grantStreamRead(handler);
    if (eventStore.idempotencyTable) eventStore.grantIdempotency(handler);
    iam.Grant.addToPrincipal({
      grantee: handler,
      actions: [...IamActions.deadLetterSend],
      resourceArns: [this.deadLetterQueue.queueArn],
    });
    const poller = this.deadlineFunction;
    iam.Grant.addToPrincipal({
      grantee: poller,
      actions: [...IamActions.sagaDeadlines],
      resourceArns: [this.readModelTable.tableArn],
    });
    eventStore.grantAppend(poller);
  }
}
