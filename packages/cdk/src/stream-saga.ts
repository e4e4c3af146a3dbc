import { Duration } from 'aws-cdk-lib';
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

/** Environment variables through which the saga's functions learn their tables. */
export const SagaEnvironment = {
  EventsTable: 'EVENTS_TABLE_NAME',
  ReadModelTable: 'READ_MODEL_TABLE_NAME',
} as const;

export interface StreamSagaProps extends EventSourceSettings {
  /** The events table: the saga's source events and its own streams (`saga.<name>.<id>`). */
  readonly eventStore: EventStoreTable;
  /**
   * The table of the saga's checkpoints, dead letters and deadline index (`SagaProcess`'s
   * `tableName`: by default the read-model table of the projections).
   */
  readonly stateTable: dynamodb.ITable;
  /**
   * The saga's stream handler: the props of a {@link DynamoEsFunction} (at least `entry`, a module
   * exporting `sagaProcess.streamHandler()` as `handler`), or a function you built.
   */
  readonly handler: DynamoEsFunctionProps | lambda.IFunction;
  /**
   * The deadline poller (`sagaProcess.deadlineHandler()`). Default: the handler's module again,
   * its export `deadlines`. A function you built otherwise.
   */
  readonly deadlines?: Partial<DynamoEsFunctionProps> | lambda.IFunction;
  /** How often the poller runs (EventBridge schedule rule). Default: every minute; at least one minute. */
  readonly pollEvery?: Duration;
  readonly alarms?: ProjectionAlarmProps;
}

/**
 * A saga of `@dynamo-es/sagas` on AWS: its stream handler on the events table's stream (the event
 * source mapping settings projections use: partial batch failures, bisection, bounded retries and
 * record age, INSERT-only filter, an on-failure queue), its deadline poller invoked by a schedule,
 * and exactly the table actions the saga sends itself: its streams appended to and read on the
 * events table, its checkpoints, dead letters and deadline index on the state table. The commands
 * it dispatches are your code: grant what they need to both functions ({@link StreamSaga.functions}).
 *
 * @example
 * const transfers = new StreamSaga(this, 'LargeTransfers', {
 *   eventStore: events,
 *   stateTable: projections.readModelTable,
 *   handler: { entry: 'src/lambda/large-transfers.ts' },
 * });
 * for (const fn of transfers.functions) events.grantIdempotency(fn);
 */
export class StreamSaga extends Construct {
  readonly function: lambda.IFunction;
  readonly deadlineFunction: lambda.IFunction;
  readonly schedule: events.Rule;
  readonly mapping: lambda.EventSourceMapping;
  readonly deadLetterQueue: sqs.Queue;
  readonly alarms: StreamAlarms;

  constructor(scope: Construct, id: string, props: StreamSagaProps) {
    super(scope, id);
    const settings = mappingSettings('StreamSaga', props);
    const pollEvery = props.pollEvery ?? Duration.minutes(1);
    if (pollEvery.toSeconds() < 60) {
      throw new InvalidPropsError('StreamSaga', 'pollEvery', 'a schedule rule runs at most once a minute');
    }
    const environment = {
      [SagaEnvironment.EventsTable]: props.eventStore.table.tableName,
      [SagaEnvironment.ReadModelTable]: props.stateTable.tableName,
    };
    const handler = props.handler;
    this.function = isFunction('StreamSaga', handler)
      ? handler
      : new DynamoEsFunction(this, 'Handler', {
          description: 'dynamo-es saga: reacts to the events stream and sends its commands',
          timeout: Duration.seconds(60),
          ...handler,
          environment: { ...environment, ...handler.environment },
        });
    this.deadlineFunction = this.#deadlineFunction(props, environment);
    this.deadLetterQueue = streamDeadLetterQueue(this);
    for (const fn of this.functions) {
      props.eventStore.grantAppend(fn); // its steps, and `Query` for loads and gap fills
      this.#grant(fn, IamActions.projectionWrite, [props.stateTable.tableArn]);
    }
    props.eventStore.grantStreamRead(this.function);
    this.#grant(this.function, IamActions.deadLetterSend, [this.deadLetterQueue.queueArn]);
    this.mapping = eventsStreamMapping(this, {
      target: this.function,
      eventStore: props.eventStore,
      settings,
      deadLetterQueue: this.deadLetterQueue,
    });
    this.schedule = new events.Rule(this, 'DeadlineSchedule', {
      description: 'dynamo-es saga: polls the deadline index for due deadlines',
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
        remedy: 'list stuck sagas (dynamo-es sagas list --stuck), fix the cause, retry or abandon them',
      },
      props.alarms ?? {},
    );
  }

  /** Both functions (the stream handler and the deadline poller): both may send the saga's commands. */
  get functions(): readonly lambda.IFunction[] {
    return [this.function, this.deadlineFunction];
  }

  #deadlineFunction(props: StreamSagaProps, environment: Record<string, string>): lambda.IFunction {
    const deadlines = props.deadlines ?? {};
    if (typeof (deadlines as lambda.IFunction).functionArn === 'string') return deadlines as lambda.IFunction;
    const base = isFunction('StreamSaga', props.handler) ? undefined : props.handler;
    const own = deadlines as Partial<DynamoEsFunctionProps>;
    const entry = own.entry ?? base?.entry;
    if (entry === undefined) {
      throw new InvalidPropsError(
        'StreamSaga',
        'deadlines',
        'expected a lambda.IFunction or props with an `entry` when `handler` is a function you built',
      );
    }
    return new DynamoEsFunction(this, 'Deadlines', {
      description: 'dynamo-es saga: fires due deadlines into their sagas',
      timeout: Duration.seconds(60),
      ...base,
      handler: 'deadlines',
      ...own,
      entry,
      environment: { ...environment, ...base?.environment, ...own.environment },
    });
  }

  #grant(grantee: iam.IGrantable, actions: readonly string[], resourceArns: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: [...actions], resourceArns });
  }
}
