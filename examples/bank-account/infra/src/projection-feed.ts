import { EventAttribute } from '@dynamo-es/event-store';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Tuning of the event source mapping from the events table's stream to the projection handler. */
export interface ProjectionFeedSettings {
  /** Records per invocation. Default: 100. */
  readonly batchSize?: number;
  /**
   * Concurrent batches per stream shard (1-10). Default: 2. Above 1, Lambda keeps order only per
   * item, so two events of one stream may arrive out of order: the projection handler tolerates
   * that (checkpoints and gap filling), which is what makes raising it safe.
   */
  readonly parallelizationFactor?: number;
  /** Retries of a failing batch before it goes to the dead-letter queue. Default: 5. */
  readonly retryAttempts?: number;
  /** Records older than this go to the dead-letter queue instead of being processed. Default: 6 hours. */
  readonly maxRecordAge?: Duration;
}

export interface ProjectionFeedProps extends ProjectionFeedSettings {
  readonly handler: lambda.IFunction;
  readonly eventsStreamArn: string;
}

/**
 * Sends to SQS without granting anything: the handler's role gets exactly `sqs:SendMessage` from
 * the stack's own statements (CDK's `SqsDlq` would add `GetQueueAttributes` and `GetQueueUrl`).
 */
class SendOnlyQueueDestination implements lambda.IEventSourceDlq {
  constructor(private readonly queue: sqs.IQueue) {}

  bind(): lambda.DlqDestinationConfig {
    return { destination: this.queue.queueArn };
  }
}

/**
 * The events table's stream feeding the projection handler: only inserted event items, partial
 * batch failures, bisection, bounded retries, and an SQS dead-letter queue with an alarm on its
 * depth. The queue receives the shard and sequence range of a batch given up on, not the records.
 *
 * @example
 * new ProjectionFeed(this, 'Feed', { handler, eventsStreamArn: events.tableStreamArn!, parallelizationFactor: 2 });
 */
export class ProjectionFeed extends Construct {
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  readonly mapping: lambda.EventSourceMapping;

  constructor(scope: Construct, id: string, props: ProjectionFeedProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.mapping = new lambda.EventSourceMapping(this, 'EventsStream', {
      target: props.handler,
      eventSourceArn: props.eventsStreamArn,
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: props.batchSize ?? 100,
      parallelizationFactor: props.parallelizationFactor ?? 2,
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      retryAttempts: props.retryAttempts ?? 5,
      maxRecordAge: props.maxRecordAge ?? Duration.hours(6),
      onFailure: new SendOnlyQueueDestination(this.deadLetterQueue),
      filters: [insertedEventsOnly()],
    });
    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription:
        'Projection batches were given up on: read the dead-letter queue and replay or rebuild',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
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
