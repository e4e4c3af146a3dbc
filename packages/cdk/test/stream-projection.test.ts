import { readModelTableDefinition } from '@dynamo-es/projections';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  EventStoreTable,
  isInvalidPropsError,
  StreamProjection,
  type StreamProjectionProps,
} from '../src/index.js';
import { allow, arnOf, FIXTURE_HANDLER, resourceNamed, statementsOfRole, testStack } from './support.js';

function synthesize(props: Partial<StreamProjectionProps> = {}) {
  const stack = testStack();
  const eventStore = new EventStoreTable(stack, 'Events');
  const projection = new StreamProjection(stack, 'Projections', {
    eventStore,
    handler: { entry: FIXTURE_HANDLER },
    ...props,
  });
  const query = new iam.Role(stack, 'QuerySide', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  projection.grantReadModelRead(query);
  return { template: Template.fromStack(stack), projection };
}

const { template } = synthesize();
const id = (type: string, prefix: string) => resourceNamed(template, type, prefix)[0];
const mapping = resourceNamed(template, 'AWS::Lambda::EventSourceMapping', 'ProjectionsEventsStream')[1];
const eventsId = id('AWS::DynamoDB::Table', 'EventsTable');
const readModelsId = id('AWS::DynamoDB::Table', 'ProjectionsReadModelTable');
const queueId = id('AWS::SQS::Queue', 'ProjectionsDeadLetterQueue');
const functionId = id('AWS::Lambda::Function', 'ProjectionsHandler');

describe('StreamProjection: the event source mapping', () => {
  it('reads the events stream from its oldest record into the function', () => {
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [eventsId, 'StreamArn'] },
      FunctionName: { Ref: functionId },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      ParallelizationFactor: 2,
    });
  });

  it('reports partial batch failures, bisects, bounds retries and record age', () => {
    expect(mapping.Properties).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 6 * 60 * 60,
      DestinationConfig: { OnFailure: { Destination: arnOf(queueId) } },
    });
  });

  it('passes only inserted event items', () => {
    const filters = (mapping.Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((filter) => JSON.parse(filter.Pattern))).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { t: { S: [{ exists: true }] } } } },
    ]);
  });

  it('takes the batching window, parallelization factor, batch size, retries and record age as props', () => {
    const tuned = resourceNamed(
      synthesize({
        maxBatchingWindow: Duration.seconds(2),
        parallelizationFactor: 5,
        batchSize: 50,
        retryAttempts: 2,
        maxRecordAge: Duration.hours(1),
      }).template,
      'AWS::Lambda::EventSourceMapping',
      'ProjectionsEventsStream',
    )[1];
    expect(tuned.Properties).toMatchObject({
      MaximumBatchingWindowInSeconds: 2,
      ParallelizationFactor: 5,
      BatchSize: 50,
      MaximumRetryAttempts: 2,
      MaximumRecordAgeInSeconds: 3600,
    });
  });

  it('is created only after the function may read the stream', () => {
    const policyId = id('AWS::IAM::Policy', 'ProjectionsHandlerRoleDefaultPolicy');
    expect(mapping.DependsOn).toContain(policyId);
  });

  it.each([
    [{ parallelizationFactor: 11 }, 'parallelizationFactor'],
    [{ batchSize: 0 }, 'batchSize'],
    [{ retryAttempts: -1 }, 'retryAttempts'],
    [{ maxRecordAge: Duration.days(8) }, 'maxRecordAge'],
    [{ maxBatchingWindow: Duration.minutes(6) }, 'maxBatchingWindow'],
  ] as [Partial<StreamProjectionProps>, string][])(
    'refuses %o with a typed error naming %s',
    (props, prop) => {
      let caught: unknown;
      try {
        synthesize(props);
      } catch (error) {
        caught = error;
      }
      expect(isInvalidPropsError(caught)).toBe(true);
      expect((caught as { prop: string }).prop).toContain(prop);
    },
  );
});

describe('StreamProjection: the function', () => {
  const [, fn] = resourceNamed(template, 'AWS::Lambda::Function', 'ProjectionsHandler');

  it('runs Node.js 22 on ARM64 with JSON logs, X-Ray tracing and source maps', () => {
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 60,
      LoggingConfig: { LogFormat: 'JSON' },
      TracingConfig: { Mode: 'Active' },
    });
  });

  it('learns its tables from its environment', () => {
    expect(fn.Properties.Environment).toEqual({
      Variables: {
        EVENTS_TABLE_NAME: { Ref: eventsId },
        READ_MODEL_TABLE_NAME: { Ref: readModelsId },
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
  });

  it('may do exactly what the projection handler sends, and write its own logs and traces', () => {
    const roleId = id('AWS::IAM::Role', 'ProjectionsHandlerRole');
    expect(statementsOfRole(template, roleId)).toEqual([
      allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], ['*']),
      allow(
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
        [arnOf(id('AWS::Logs::LogGroup', 'ProjectionsHandlerLogs'))],
      ),
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
        [arnOf(readModelsId)],
      ),
      allow(['dynamodb:Query'], [arnOf(eventsId)]),
      allow(
        [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        [{ 'Fn::GetAtt': [eventsId, 'StreamArn'] }],
      ),
      allow(['sqs:SendMessage'], [arnOf(queueId)]),
    ]);
    const role = resourceNamed(template, 'AWS::IAM::Role', 'ProjectionsHandlerRole')[1];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('takes a function you built instead', () => {
    const stack = testStack();
    const eventStore = new EventStoreTable(stack, 'Events');
    const own = new lambda.Function(stack, 'Own', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('export const handler = async () => ({ batchItemFailures: [] });'),
    });
    const projection = new StreamProjection(stack, 'Projections', { eventStore, handler: own });
    expect(projection.function).toBe(own);
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 1);
  });

  it('refuses a handler that is neither a function nor props with an entry', () => {
    const stack = testStack();
    const eventStore = new EventStoreTable(stack, 'Events');
    let caught: unknown;
    try {
      new StreamProjection(stack, 'Projections', {
        eventStore,
        handler: {} as StreamProjectionProps['handler'],
      });
    } catch (error) {
      caught = error;
    }
    expect(isInvalidPropsError(caught)).toBe(true);
  });
});

describe('StreamProjection: read models, dead letters and alarms', () => {
  it('creates the read-model table of readModelTableDefinition, destroyed with the stack', () => {
    const [, table] = resourceNamed(template, 'AWS::DynamoDB::Table', 'ProjectionsReadModelTable');
    expect(table.Properties.KeySchema).toEqual(readModelTableDefinition('read-models').KeySchema);
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(
      readModelTableDefinition('read-models').GlobalSecondaryIndexes,
    );
    expect(table.DeletionPolicy).toBe('Delete');
  });

  it('grants a query side GetItem on the read models, nothing else', () => {
    expect(statementsOfRole(template, id('AWS::IAM::Role', 'QuerySide'))).toEqual([
      allow(['dynamodb:GetItem'], [arnOf(readModelsId)]),
    ]);
  });

  it('keeps dead letters 14 days, encrypted, and refuses them over plain HTTP', () => {
    const [, queue] = resourceNamed(template, 'AWS::SQS::Queue', 'ProjectionsDeadLetterQueue');
    expect(queue.Properties).toMatchObject({
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
    });
    const policy = resourceNamed(template, 'AWS::SQS::QueuePolicy', 'ProjectionsDeadLetterQueuePolicy')[1];
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('alarms on iterator age, function errors and dead-letter depth', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Threshold: 5 * 60 * 1000,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
  });
});
