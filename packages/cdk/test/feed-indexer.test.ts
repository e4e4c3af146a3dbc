import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { EventStoreTable, FeedIndexer, type FeedIndexerProps, isInvalidPropsError } from '../src/index.js';
import { allow, arnOf, FIXTURE_HANDLER, resourceNamed, statementsOfRole, testStack } from './support.js';

function synthesize(props: Partial<FeedIndexerProps> = {}) {
  const stack = testStack();
  const eventStore = new EventStoreTable(stack, 'Events');
  const feed = new FeedIndexer(stack, 'Feed', { eventStore, handler: { entry: FIXTURE_HANDLER }, ...props });
  const reader = new iam.Role(stack, 'Reader', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  feed.grantRead(reader);
  const subscriber = new iam.Role(stack, 'Subscriber', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  feed.grantSubscribe(subscriber);
  return { template: Template.fromStack(stack), feed };
}

const { template } = synthesize();
const id = (type: string, prefix: string) => resourceNamed(template, type, prefix)[0];
const mapping = resourceNamed(template, 'AWS::Lambda::EventSourceMapping', 'FeedEventsStream')[1];
const eventsId = id('AWS::DynamoDB::Table', 'EventsTable');
const feedId = id('AWS::DynamoDB::Table', 'FeedFeedTable');
const queueId = id('AWS::SQS::Queue', 'FeedDeadLetterQueue');
const functionId = id('AWS::Lambda::Function', 'FeedHandler');

describe('FeedIndexer', () => {
  it('creates the feed table from feedTableDefinition, retained, with point-in-time recovery', () => {
    const table = resourceNamed(template, 'AWS::DynamoDB::Table', 'FeedFeedTable')[1];
    expect(table.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'p', KeyType: 'HASH' },
        { AttributeName: 'n', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'p', AttributeType: 'S' },
        { AttributeName: 'n', AttributeType: 'N' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(table.Properties.StreamSpecification).toBeUndefined();
    expect(table.DeletionPolicy).toBe('Retain');
  });

  it('maps the events stream to the indexer: partial failures, bisection, bounded retries, INSERTs only, one batch per shard at a time', () => {
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [eventsId, 'StreamArn'] },
      FunctionName: { Ref: functionId },
      StartingPosition: 'TRIM_HORIZON',
      ParallelizationFactor: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      DestinationConfig: { OnFailure: { Destination: arnOf(queueId) } },
    });
    const filters = (mapping.Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((filter) => JSON.parse(filter.Pattern))).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { t: { S: [{ exists: true }] } } } },
    ]);
    expect(mapping.DependsOn).toContain(id('AWS::IAM::Policy', 'FeedHandlerRoleDefaultPolicy'));
  });

  it('tells the indexer its tables', () => {
    const fn = resourceNamed(template, 'AWS::Lambda::Function', 'FeedHandler')[1];
    expect(fn.Properties.Environment).toEqual({
      Variables: {
        EVENTS_TABLE_NAME: { Ref: eventsId },
        FEED_TABLE_NAME: { Ref: feedId },
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
  });

  it('grants the indexer exactly what it sends', () => {
    expect(statementsOfRole(template, id('AWS::IAM::Role', 'FeedHandlerRole'))).toEqual([
      allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], ['*']),
      allow(
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
        [arnOf(id('AWS::Logs::LogGroup', 'FeedHandlerLogs'))],
      ),
      allow(
        [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:Query',
          'dynamodb:BatchGetItem',
        ],
        [arnOf(feedId)],
      ),
      allow(['dynamodb:BatchGetItem'], [arnOf(eventsId)]),
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
  });

  it('grants readers reads only, and subscribers their checkpoints besides', () => {
    const reads = [
      allow(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'], [arnOf(feedId)]),
      allow(['dynamodb:BatchGetItem', 'dynamodb:Query'], [arnOf(eventsId)]),
    ];
    expect(statementsOfRole(template, id('AWS::IAM::Role', 'Reader'))).toEqual(reads);
    expect(statementsOfRole(template, id('AWS::IAM::Role', 'Subscriber'))).toEqual([
      ...reads,
      allow(['dynamodb:UpdateItem'], [arnOf(feedId)]),
    ]);
  });

  it('alarms on the indexer lag, errors and dead letters', () => {
    const alarms = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    for (const prefix of ['FeedIteratorAgeAlarm', 'FeedErrorsAlarm', 'FeedDeadLetterAlarm'])
      expect(alarms.some((alarm) => alarm.startsWith(prefix))).toBe(true);
  });

  it.each([
    [{ parallelizationFactor: 11 }, 'parallelizationFactor'],
    [{ batchSize: 0 }, 'batchSize'],
    [{ maxRecordAge: Duration.days(8) }, 'maxRecordAge'],
    [{ handler: {} as FeedIndexerProps['handler'] }, 'handler'],
  ] as [Partial<FeedIndexerProps>, string][])('refuses %o with a typed error naming %s', (props, prop) => {
    let caught: unknown;
    try {
      synthesize(props);
    } catch (error) {
      caught = error;
    }
    expect(isInvalidPropsError(caught)).toBe(true);
    expect((caught as { prop: string }).prop).toContain(prop);
  });
});
