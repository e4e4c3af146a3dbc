import {
  DynamoEsFunction,
  type EventStoreTable,
  IamActions,
  StreamPublication,
  tableFromDefinition,
} from '@dynamo-es/cdk';
import { readModelTableDefinition } from '@dynamo-es/projections';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The environment variable of fraud-watch's table (`TableEnvironment.FraudWatch` of the Lambda code). */
export const FRAUD_WATCH_TABLE_VARIABLE = 'FRAUD_WATCH_TABLE_NAME';

/** How long fraud-watch's function may run; the queue hides a message 6 times as long (AWS's advice). */
const CONSUMER_TIMEOUT = Duration.seconds(30);

export interface FraudWatchServiceProps {
  readonly eventStore: EventStoreTable;
  /** Where the publication's checkpoints and dead letters live: the bank's read-model table. */
  readonly checkpointTable: dynamodb.ITable;
  /** Module exporting the publisher's stream handler (`src/lambda/publisher.ts`). */
  readonly publisherEntry: string;
  /** Module exporting fraud-watch's SQS handler (`src/lambda/fraud-watch.ts`). */
  readonly consumerEntry: string;
  readonly depsLockFilePath?: string;
  readonly bundling?: BundlingOptions;
}

/**
 * Service 1 to service 2 on AWS: the bank's publication (`StreamPublication`, fed by the events
 * table's stream) publishes to an SNS topic; fraud-watch's SQS queue is subscribed to it (raw
 * delivery: the body is the message itself) and feeds fraud-watch's function through an event
 * source mapping with `ReportBatchItemFailures`. Fraud-watch has a table of its own; messages
 * that keep failing go to its queue's dead-letter queue. Alarms: the publication's (iterator age,
 * errors, dead letters), and fraud-watch's function errors, queue age and dead letters.
 */
export class FraudWatchService extends Construct {
  readonly topic: sns.Topic;
  readonly publication: StreamPublication;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly table: dynamodb.ITable;
  readonly function: lambda.IFunction;
  readonly alarms: {
    readonly errors: cloudwatch.Alarm;
    readonly age: cloudwatch.Alarm;
    readonly deadLetters: cloudwatch.Alarm;
  };

  constructor(scope: Construct, id: string, props: FraudWatchServiceProps) {
    super(scope, id);
    const bundle = {
      ...(props.depsLockFilePath ? { depsLockFilePath: props.depsLockFilePath } : {}),
      ...(props.bundling ? { bundling: props.bundling } : {}),
    };
    this.topic = new sns.Topic(this, 'BankPublicTopic', {
      displayName: 'dynamo-es bank: public messages',
      enforceSSL: true,
    });
    this.publication = new StreamPublication(this, 'BankPublication', {
      eventStore: props.eventStore,
      handler: {
        entry: props.publisherEntry,
        description: 'dynamo-es bank: publishes transfers and closings to the public topic',
        ...bundle,
      },
      sink: { kind: 'sns', topic: this.topic },
      checkpointTable: props.checkpointTable,
    });

    this.table = tableFromDefinition(this, 'Table', readModelTableDefinition('fraud-watch'), {
      // A read model: rebuilt by replaying the bank's messages, so it goes with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      visibilityTimeout: Duration.seconds(CONSUMER_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // A message waiting for its predecessor comes back; 10 receives leave it time to arrive.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 10 },
    });
    this.topic.addSubscription(new SqsSubscription(this.queue, { rawMessageDelivery: true }));

    const consumer = new DynamoEsFunction(this, 'Handler', {
      entry: props.consumerEntry,
      description: 'fraud-watch: builds its read model from the bank public messages',
      timeout: CONSUMER_TIMEOUT,
      environment: { [FRAUD_WATCH_TABLE_VARIABLE]: this.table.tableName },
      ...bundle,
    });
    this.function = consumer;
    // The consumer runs the projections engine on its own table: the projection handler's actions.
    this.table.grant(consumer, ...IamActions.projectionWrite);
    consumer.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 5 }),
    );
    this.alarms = {
      errors: new cloudwatch.Alarm(this, 'ErrorsAlarm', {
        metric: consumer.metricErrors({ period: Duration.minutes(1) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: 'fraud-watch: its function failed; read its logs',
      }),
      age: new cloudwatch.Alarm(this, 'QueueAgeAlarm', {
        metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1) }),
        threshold: 300,
        evaluationPeriods: 5,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: 'fraud-watch: messages wait over 5 minutes; a stream may be parked (dead letters)',
      }),
      deadLetters: new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: 'fraud-watch: messages were given up on; read its dead-letter queue',
      }),
    };
  }
}
