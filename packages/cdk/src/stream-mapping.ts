import { EventAttribute } from '@dynamo-es/event-store';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { DynamoEsFunctionProps } from './dynamo-es-function.js';
import { InvalidPropsError } from './errors.js';
import { checkRange, type mappingSettings } from './event-source-settings.js';
import type { EventStoreTable } from './event-store-table.js';

/** When the alarms fire. */
export interface ProjectionAlarmProps {
  /** Oldest record of a batch when it reached the function (Lambda's `IteratorAge`). Default: 5 minutes. */
  readonly iteratorAge?: Duration;
  /** Function errors (whole batches that threw) in 5 minutes. Default: 1. */
  readonly errors?: number;
  /** Where the alarms send their state changes (e.g. an SNS action). Default: nowhere. */
  readonly actions?: readonly cloudwatch.IAlarmAction[];
}

/** The alarms of a function fed by the events stream. */
export interface StreamAlarms {
  readonly iteratorAge: cloudwatch.Alarm;
  readonly errors: cloudwatch.Alarm;
  readonly deadLetters: cloudwatch.Alarm;
}

/** True for a function, false for {@link DynamoEsFunctionProps}; anything else is refused. */
export function isFunction(
  construct: string,
  handler: DynamoEsFunctionProps | lambda.IFunction,
): handler is lambda.IFunction {
  if (typeof (handler as lambda.IFunction).functionArn === 'string') return true;
  if (typeof (handler as DynamoEsFunctionProps).entry === 'string') return false;
  throw new InvalidPropsError(construct, 'handler', 'expected a lambda.IFunction or props with an `entry`');
}

/**
 * Sends to SQS without granting anything: the handler's role gets exactly `sqs:SendMessage` from
 * the construct's own grant (CDK's `SqsDlq` would add `GetQueueAttributes` and `GetQueueUrl`).
 */
export class SendOnlyQueueDestination implements lambda.IEventSourceDlq {
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
export function insertedEventsOnly(): Record<string, unknown> {
  return lambda.FilterCriteria.filter({
    eventName: lambda.FilterRule.isEqual('INSERT'),
    dynamodb: { NewImage: { [EventAttribute.Type]: { S: lambda.FilterRule.exists() } } },
  });
}

/** What the alarms of {@link streamAlarms} watch and say. */
export interface StreamAlarmTargets {
  readonly construct: string;
  readonly function: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
  /** e.g. 'Projections' or 'The publication': the alarm descriptions start with it. */
  readonly subject: string;
  /** What to do with the dead letters, ending the dead-letter alarm's description. */
  readonly remedy: string;
}

/** Alarms on iterator age, function errors and dead-letter depth. */
export function streamAlarms(
  scope: Construct,
  targets: StreamAlarmTargets,
  props: ProjectionAlarmProps,
): StreamAlarms {
  const iteratorAge = props.iteratorAge ?? Duration.minutes(5);
  const errors = props.errors ?? 1;
  checkRange(targets.construct, 'alarms.errors', errors, 1, Number.MAX_SAFE_INTEGER);
  const alarm = (id: string, alarmProps: cloudwatch.AlarmProps) => {
    const created = new cloudwatch.Alarm(scope, id, alarmProps);
    for (const action of props.actions ?? []) created.addAlarmAction(action);
    return created;
  };
  const fiveMinutes = { period: Duration.minutes(5) };
  const common = { evaluationPeriods: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING };
  return {
    iteratorAge: alarm('IteratorAgeAlarm', {
      alarmDescription: `${targets.subject} lag: records waited more than ${iteratorAge.toHumanString()} to be handled`,
      metric: targets.function.metric('IteratorAge', { ...fiveMinutes, statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: iteratorAge.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...common,
    }),
    errors: alarm('ErrorsAlarm', {
      alarmDescription: `${targets.subject}: the function failed whole batches: read its logs`,
      metric: targets.function.metricErrors({ ...fiveMinutes, statistic: cloudwatch.Stats.SUM }),
      threshold: errors,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      ...common,
    }),
    deadLetters: alarm('DeadLetterAlarm', {
      alarmDescription: `${targets.subject}: batches were given up on: ${targets.remedy}`,
      metric: targets.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        ...fiveMinutes,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      ...common,
    }),
  };
}

/** The queue Lambda hands the batches it gives up on: 14 days, SQS-managed encryption, TLS only. */
export function streamDeadLetterQueue(scope: Construct): sqs.Queue {
  return new sqs.Queue(scope, 'DeadLetterQueue', {
    retentionPeriod: Duration.days(14),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
}

/**
 * The event source mapping from the events table's stream to `target`: partial batch failures,
 * bisection, the given settings, appended events only, and what it gives up on sent to
 * `deadLetterQueue`. Create it after the grants: it waits for the role's policy.
 */
export function eventsStreamMapping(
  scope: Construct,
  options: {
    readonly target: lambda.IFunction;
    readonly eventStore: EventStoreTable;
    readonly settings: ReturnType<typeof mappingSettings>;
    readonly deadLetterQueue: sqs.IQueue;
  },
): lambda.EventSourceMapping {
  const mapping = new lambda.EventSourceMapping(scope, 'EventsStream', {
    target: options.target,
    eventSourceArn: options.eventStore.tableStreamArn,
    ...options.settings,
    reportBatchItemFailures: true,
    bisectBatchOnError: true,
    onFailure: new SendOnlyQueueDestination(options.deadLetterQueue),
    filters: [insertedEventsOnly()],
  });
  // The mapping checks its permissions when it is created: it must wait for the role's policy.
  if (options.target.role) mapping.node.addDependency(options.target.role);
  return mapping;
}
