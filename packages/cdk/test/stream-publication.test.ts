import { readModelTableDefinition } from '@dynamo-es/projections';
import type { Stack } from 'aws-cdk-lib';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import {
  EventStoreTable,
  isInvalidPropsError,
  type PublicationSink,
  StreamPublication,
  type StreamPublicationProps,
} from '../src/index.js';
import { allow, arnOf, FIXTURE_HANDLER, resourceNamed, statementsOfRole, testStack } from './support.js';

type SinkOf = (stack: Stack) => PublicationSink;
const kinesisSink: SinkOf = (stack) => ({ kind: 'kinesis', stream: new kinesis.Stream(stack, 'Sink') });

function synthesize(props: Partial<StreamPublicationProps> = {}, sinkOf: SinkOf = kinesisSink) {
  const stack = testStack();
  const eventStore = new EventStoreTable(stack, 'Events');
  const publication = new StreamPublication(stack, 'Publication', {
    eventStore,
    handler: { entry: FIXTURE_HANDLER },
    sink: sinkOf(stack),
    ...props,
  });
  return { template: Template.fromStack(stack), publication };
}

const refused = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

const { template } = synthesize();
const id = (t: Template, type: string, prefix: string) => resourceNamed(t, type, prefix)[0];
const mapping = resourceNamed(template, 'AWS::Lambda::EventSourceMapping', 'PublicationEventsStream')[1];
const eventsId = id(template, 'AWS::DynamoDB::Table', 'EventsTable');
const checkpointsId = id(template, 'AWS::DynamoDB::Table', 'PublicationCheckpointTable');
const queueId = id(template, 'AWS::SQS::Queue', 'PublicationDeadLetterQueue');
const functionId = id(template, 'AWS::Lambda::Function', 'PublicationHandler');

/** The statements every publisher role has, around the sink's (and the claim check's). */
function expectedStatements(t: Template, sink: ReturnType<typeof allow>[]) {
  const at = (type: string, prefix: string) => id(t, type, prefix);
  return [
    allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], ['*']),
    allow(
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      [arnOf(at('AWS::Logs::LogGroup', 'PublicationHandlerLogs'))],
    ),
    ...sink.slice(0, 1),
    allow(
      ['dynamodb:BatchGetItem', 'dynamodb:PutItem'],
      [arnOf(at('AWS::DynamoDB::Table', 'PublicationCheckpointTable'))],
    ),
    allow(['dynamodb:Query'], [arnOf(at('AWS::DynamoDB::Table', 'EventsTable'))]),
    allow(
      ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
      [{ 'Fn::GetAtt': [at('AWS::DynamoDB::Table', 'EventsTable'), 'StreamArn'] }],
    ),
    ...sink.slice(1),
    allow(['sqs:SendMessage'], [arnOf(at('AWS::SQS::Queue', 'PublicationDeadLetterQueue'))]),
  ];
}

describe('StreamPublication: the event source mapping', () => {
  it('reads the events stream with the settings projections use', () => {
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [eventsId, 'StreamArn'] },
      FunctionName: { Ref: functionId },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      ParallelizationFactor: 2,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 6 * 60 * 60,
      DestinationConfig: { OnFailure: { Destination: arnOf(queueId) } },
    });
    const filters = (mapping.Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((filter) => JSON.parse(filter.Pattern))).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { t: { S: [{ exists: true }] } } } },
    ]);
    expect(mapping.DependsOn).toContain(
      id(template, 'AWS::IAM::Policy', 'PublicationHandlerRoleDefaultPolicy'),
    );
  });

  it('takes the event source settings as props', () => {
    const tuned = resourceNamed(
      synthesize({ batchSize: 50, parallelizationFactor: 4, maxBatchingWindow: Duration.seconds(3) })
        .template,
      'AWS::Lambda::EventSourceMapping',
      'PublicationEventsStream',
    )[1];
    expect(tuned.Properties).toMatchObject({
      BatchSize: 50,
      ParallelizationFactor: 4,
      MaximumBatchingWindowInSeconds: 3,
    });
  });

  it.each([
    [{ parallelizationFactor: 11 }, 'parallelizationFactor'],
    [{ retryAttempts: -1 }, 'retryAttempts'],
    [{ alarms: { errors: 0 } }, 'alarms.errors'],
    [{ sink: { kind: 'kafka' } as unknown as PublicationSink }, 'sink'],
    [{ handler: {} as StreamPublicationProps['handler'] }, 'handler'],
  ] as [Partial<StreamPublicationProps>, string][])(
    'refuses %o with a typed error naming %s',
    (props, prop) => {
      const caught = refused(() => synthesize(props));
      expect(isInvalidPropsError(caught)).toBe(true);
      expect((caught as { prop: string }).prop).toContain(prop);
    },
  );
});

describe('StreamPublication: the function', () => {
  it('learns its tables and its sink from its environment', () => {
    const fn = resourceNamed(template, 'AWS::Lambda::Function', 'PublicationHandler')[1];
    expect(fn.Properties.Environment).toEqual({
      Variables: {
        EVENTS_TABLE_NAME: { Ref: eventsId },
        CHECKPOINT_TABLE_NAME: { Ref: checkpointsId },
        PUBLICATION_STREAM_NAME: { Ref: id(template, 'AWS::Kinesis::Stream', 'Sink') },
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Timeout: 60 });
  });

  const sinks: [string, string, SinkOf, (t: Template) => unknown, (t: Template) => unknown][] = [
    [
      'kinesis',
      'kinesis:PutRecords',
      kinesisSink,
      (t) => arnOf(id(t, 'AWS::Kinesis::Stream', 'Sink')),
      (t) => ({ Ref: id(t, 'AWS::Kinesis::Stream', 'Sink') }),
    ],
    [
      'sns',
      'sns:Publish',
      (stack) => ({ kind: 'sns', topic: new sns.Topic(stack, 'Sink') }),
      (t) => ({ Ref: id(t, 'AWS::SNS::Topic', 'Sink') }),
      (t) => ({ Ref: id(t, 'AWS::SNS::Topic', 'Sink') }),
    ],
    [
      'sqs',
      'sqs:SendMessage',
      (stack) => ({ kind: 'sqs', queue: new sqs.Queue(stack, 'Sink') }),
      (t) => arnOf(id(t, 'AWS::SQS::Queue', 'Sink')),
      (t) => ({ Ref: id(t, 'AWS::SQS::Queue', 'Sink') }),
    ],
    [
      'eventbridge',
      'events:PutEvents',
      (stack) => ({ kind: 'eventbridge', bus: new events.EventBus(stack, 'Sink') }),
      (t) => arnOf(id(t, 'AWS::Events::EventBus', 'Sink')),
      (t) => ({ Ref: id(t, 'AWS::Events::EventBus', 'Sink') }),
    ],
  ];

  it.each(sinks)(
    'with a %s sink may send exactly %s on it, and what the stream handler sends',
    (kind, action, sinkOf, arn, name) => {
      const t = synthesize({}, sinkOf).template;
      const roleId = id(t, 'AWS::IAM::Role', 'PublicationHandlerRole');
      expect(statementsOfRole(t, roleId)).toEqual(expectedStatements(t, [allow([action], [arn(t)])]));
      const fn = resourceNamed(t, 'AWS::Lambda::Function', 'PublicationHandler')[1];
      const variable = {
        kinesis: 'PUBLICATION_STREAM_NAME',
        sns: 'PUBLICATION_TOPIC_ARN',
        sqs: 'PUBLICATION_QUEUE_URL',
        eventbridge: 'PUBLICATION_EVENT_BUS_NAME',
      }[kind] as string;
      expect(
        (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables[variable],
      ).toEqual(name(t));
      expect(
        resourceNamed(t, 'AWS::IAM::Role', 'PublicationHandlerRole')[1].Properties.ManagedPolicyArns,
      ).toBeUndefined();
    },
  );

  it('may put claim checks under their prefix only, and names the bucket', () => {
    const stackWith = testStack();
    const eventStore = new EventStoreTable(stackWith, 'Events');
    const bucket = new s3.Bucket(stackWith, 'Claims');
    new StreamPublication(stackWith, 'Publication', {
      eventStore,
      handler: { entry: FIXTURE_HANDLER },
      sink: kinesisSink(stackWith),
      claimCheckBucket: bucket,
      claimCheckPrefix: 'bank/',
    });
    const c = Template.fromStack(stackWith);
    const bucketId = id(c, 'AWS::S3::Bucket', 'Claims');
    const objects = { 'Fn::Join': ['', [arnOf(bucketId), '/bank/*']] };
    expect(statementsOfRole(c, id(c, 'AWS::IAM::Role', 'PublicationHandlerRole'))).toEqual(
      expectedStatements(c, [
        allow(['kinesis:PutRecords'], [arnOf(id(c, 'AWS::Kinesis::Stream', 'Sink'))]),
        allow(['s3:PutObject'], [objects]),
      ]),
    );
    const fn = resourceNamed(c, 'AWS::Lambda::Function', 'PublicationHandler')[1];
    expect(
      (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.CLAIM_CHECK_BUCKET_NAME,
    ).toEqual({ Ref: bucketId });
  });
});

describe('StreamPublication: checkpoints, dead letters and alarms', () => {
  it('creates the checkpoint table of readModelTableDefinition, retained', () => {
    const [, table] = resourceNamed(template, 'AWS::DynamoDB::Table', 'PublicationCheckpointTable');
    expect(table.Properties.KeySchema).toEqual(readModelTableDefinition('x').KeySchema);
    expect(table.DeletionPolicy).toBe('Retain');
  });

  it('uses a checkpoint table you pass instead', () => {
    const stack = testStack();
    const eventStore = new EventStoreTable(stack, 'Events');
    const shared = new StreamPublication(stack, 'First', {
      eventStore,
      handler: { entry: FIXTURE_HANDLER },
      sink: kinesisSink(stack),
    });
    const second = new StreamPublication(stack, 'Second', {
      eventStore,
      handler: { entry: FIXTURE_HANDLER },
      sink: { kind: 'sns', topic: new sns.Topic(stack, 'Topic') },
      checkpointTable: shared.checkpointTable,
    });
    expect(second.checkpointTable).toBe(shared.checkpointTable);
    Template.fromStack(stack).resourceCountIs('AWS::DynamoDB::Table', 2);
  });

  it('keeps dead letters 14 days, encrypted, TLS only', () => {
    const [, queue] = resourceNamed(template, 'AWS::SQS::Queue', 'PublicationDeadLetterQueue');
    expect(queue.Properties).toMatchObject({
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
    });
    const policy = resourceNamed(template, 'AWS::SQS::QueuePolicy', 'PublicationDeadLetterQueuePolicy')[1];
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('alarms on iterator age, function errors and dead-letter depth', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Threshold: 5 * 60 * 1000,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Statistic: 'Sum',
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Threshold: 1,
    });
  });
});
