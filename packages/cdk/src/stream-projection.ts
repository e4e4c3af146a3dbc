import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { EventAttribute } from '@dynamo-es/event-store';
import { readModelTableDefinition } from '@dynamo-es/projections';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { IamActions } from './actions.js';
import { DynamoEsFunction, type DynamoEsFunctionProps } from './dynamo-es-function.js';
import { InvalidPropsError } from './errors.js';
import { checkRange, type EventSourceSettings, mappingSettings } from './event-source-settings.js';
import type { EventStoreTable } from './event-store-table.js';
import { tableFromDefinition } from './table-from-definition.js';

/** Environment variables through which the projection function learns its tables. */
export const ProjectionEnvironment = {
  EventsTable: 'EVENTS_TABLE_NAME',
  ReadModelTable: 'READ_MODEL_TABLE_NAME',
} as const;

/** When the alarms fire. */
export interface ProjectionAlarmProps {
  /** Oldest record of a batch when it reached the function (Lambda's `IteratorAge`). Default: 5 minutes. */
  readonly iteratorAge?: Duration;
  /** Function errors (whole batches that threw) in 5 minutes. Default: 1. */
  readonly errors?: number;
  /** Where the alarms send their state changes (e.g. an SNS action). Default: nowhere. */
  readonly actions?: readonly cloudwatch.IAlarmAction[];
}

export interface StreamProjectionProps extends EventSourceSettings {
  /** The events table whose stream feeds the projections. */
  readonly eventStore: EventStoreTable;
  /**
   * The projection handler: the props of a {@link DynamoEsFunction} (at least `entry`, a module
   * exporting `readModels.streamHandler(...)`), or a function you built.
   */
  readonly handler: DynamoEsFunctionProps | lambda.IFunction;
  /** The read-model table. Default: one from `readModelTableDefinition`, destroyed with the stack (rebuilt from the events). */
  readonly readModelTable?: dynamodb.ITable;
  /** Default: `readModelTableDefinition` of `@dynamo-es/projections`. Override only to test. */
  readonly readModelTableDefinition?: CreateTableCommandInput;
  readonly alarms?: ProjectionAlarmProps;
}

/**
 * Projections fed by the events table's DynamoDB Stream, as `@dynamo-es/projections` expects them:
 * the read-model table, the function (granted exactly what the projection handler sends: read-model
 * writes, `Query` on the events table to fill gaps, the stream, the dead-letter queue), and an event
 * source mapping with `ReportBatchItemFailures`, bisection, bounded retries and record age, a
 * batching window, a parallelization factor and an INSERT-only filter, handing what it gives up on
 * to an encrypted, TLS-only SQS queue. Alarms on iterator age, function errors and dead letters.
 *
 * @example
 * const projections = new StreamProjection(this, 'Projections', {
 *   eventStore: events,
 *   handler: { entry: 'src/lambda/projections.ts' },
 * });
 * projections.grantReadModelRead(queryFunction);
 */
export class StreamProjection extends Construct {
  readonly function: lambda.IFunction;
  readonly readModelTable: dynamodb.ITable;
  readonly mapping: lambda.EventSourceMapping;
  readonly deadLetterQueue: sqs.Queue;
  readonly alarms: {
    readonly iteratorAge: cloudwatch.Alarm;
    readonly errors: cloudwatch.Alarm;
    readonly deadLetters: cloudwatch.Alarm;
  };

  constructor(scope: Construct, id: string, props: StreamProjectionProps) {
    super(scope, id);
    const settings = mappingSettings('StreamProjection', props);
    this.readModelTable =
      props.readModelTable ??
      tableFromDefinition(
        this,
        'ReadModelTable',
        props.readModelTableDefinition ?? readModelTableDefinition('read-models'),
        { removalPolicy: RemovalPolicy.DESTROY },
      );
    this.function = isFunction(props.handler)
      ? props.handler
      : new DynamoEsFunction(this, 'Handler', {
          description: 'dynamo-es projections: applies the events stream to the read models',
          timeout: Duration.seconds(60),
          ...props.handler,
          environment: {
            [ProjectionEnvironment.EventsTable]: props.eventStore.table.tableName,
            [ProjectionEnvironment.ReadModelTable]: this.readModelTable.tableName,
            ...props.handler.environment,
          },
        });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.#grantHandler(props.eventStore);
    this.mapping = new lambda.EventSourceMapping(this, 'EventsStream', {
      target: this.function,
      eventSourceArn: props.eventStore.tableStreamArn,
      ...settings,
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      onFailure: new SendOnlyQueueDestination(this.deadLetterQueue),
      filters: [insertedEventsOnly()],
    });
    // The mapping checks its permissions when it is created: it must wait for the role's policy.
    if (this.function.role) this.mapping.node.addDependency(this.function.role);
    this.alarms = this.#alarms(props.alarms ?? {});
  }

  /** Lets a query side read the read models (`GetItem`), as `readModels.reader(...).get` does. */
  grantReadModelRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [...IamActions.readModelRead],
      resourceArns: [this.readModelTable.tableArn],
    });
  }

  #grantHandler(eventStore: EventStoreTable): void {
    const grantee = this.function;
    iam.Grant.addToPrincipal({
      grantee,
      actions: [...IamActions.projectionWrite],
      resourceArns: [this.readModelTable.tableArn],
    });
    eventStore.grantRead(grantee);
    eventStore.grantStreamRead(grantee);
    iam.Grant.addToPrincipal({
      grantee,
      actions: [...IamActions.deadLetterSend],
      resourceArns: [this.deadLetterQueue.queueArn],
    });
  }

  #alarms(props: ProjectionAlarmProps) {
    const iteratorAge = props.iteratorAge ?? Duration.minutes(5);
    const errors = props.errors ?? 1;
    checkRange('StreamProjection', 'alarms.errors', errors, 1, Number.MAX_SAFE_INTEGER);
    const alarm = (id: string, alarmProps: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, id, alarmProps);
      for (const action of props.actions ?? []) created.addAlarmAction(action);
      return created;
    };
    const fiveMinutes = { period: Duration.minutes(5) };
    return {
      iteratorAge: alarm('IteratorAgeAlarm', {
        alarmDescription: `Projections lag: records waited more than ${iteratorAge.toHumanString()} to be projected`,
        metric: this.function.metric('IteratorAge', { ...fiveMinutes, statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: iteratorAge.toMilliseconds(),
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      errors: alarm('ErrorsAlarm', {
        alarmDescription: 'The projection function failed whole batches: read its logs',
        metric: this.function.metricErrors({ ...fiveMinutes, statistic: cloudwatch.Stats.SUM }),
        threshold: errors,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      deadLetters: alarm('DeadLetterAlarm', {
        alarmDescription:
          'Projection batches were given up on: read the dead-letter queue and replay or rebuild',
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          ...fiveMinutes,
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    };
  }
}

function isFunction(handler: StreamProjectionProps['handler']): handler is lambda.IFunction {
  if (typeof (handler as lambda.IFunction).functionArn === 'string') return true;
  if (typeof (handler as DynamoEsFunctionProps).entry === 'string') return false;
  throw new InvalidPropsError(
    'StreamProjection',
    'handler',
    'expected a lambda.IFunction or props with an `entry`',
  );
}

/**
 * Sends to SQS without granting anything: the handler's role gets exactly `sqs:SendMessage` from
 * the construct's own grant (CDK's `SqsDlq` would add `GetQueueAttributes` and `GetQueueUrl`).
 */
class SendOnlyQueueDestination implements lambda.IEventSourceDlq {
  constructor(private readonly queue: sqs.IQueue) {}

  bind(): lambda.DlqDestinationConfig {
    return { destination: this.queue.queueArn };
  }
}

/**
 * Passes INSERT records whose new image carries an event type (`t`): appended events. Lambda drops
 * everything else before invoking (and before billing an invocation): modifications, deletions
 * (e.g. by a TTL) and any item on the table that is not an event.
 */
function insertedEventsOnly(): Record<string, unknown> {
  return lambda.FilterCriteria.filter({
    eventName: lambda.FilterRule.isEqual('INSERT'),
    dynamodb: { NewImage: { [EventAttribute.Type]: { S: lambda.FilterRule.exists() } } },
  });
}
