import { readModelTableDefinition } from '@dynamo-es/projections';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  EventStoreTable,
  isInvalidPropsError,
  StreamSaga,
  type StreamSagaProps,
  tableFromDefinition,
} from '../src/index.js';
import { allow, arnOf, FIXTURE_HANDLER, resourceNamed, statementsOfRole, testStack } from './support.js';

function synthesize(props: Partial<StreamSagaProps> = {}) {
  const stack = testStack();
  const eventStore = new EventStoreTable(stack, 'Events');
  const stateTable = tableFromDefinition(stack, 'ReadModels', readModelTableDefinition('read-models'), {
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const saga = new StreamSaga(stack, 'Saga', {
    eventStore,
    stateTable,
    handler: { entry: FIXTURE_HANDLER },
    ...props,
  });
  return { template: Template.fromStack(stack), saga };
}

const { template } = synthesize();
const id = (type: string, prefix: string) => resourceNamed(template, type, prefix)[0];
const fn = (prefix: string) => resourceNamed(template, 'AWS::Lambda::Function', prefix)[1];
const roleOf = (prefix: string) =>
  (fn(prefix).Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
const eventsId = id('AWS::DynamoDB::Table', 'EventsTable');
const stateId = id('AWS::DynamoDB::Table', 'ReadModels');
const queueId = id('AWS::SQS::Queue', 'SagaDeadLetterQueue');

const refused = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('StreamSaga', () => {
  it('feeds the saga handler from the events stream with the settings projections use', () => {
    const mapping = resourceNamed(template, 'AWS::Lambda::EventSourceMapping', 'SagaEventsStream')[1];
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [eventsId, 'StreamArn'] },
      FunctionName: { Ref: id('AWS::Lambda::Function', 'SagaHandler') },
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: arnOf(queueId) } },
    });
    expect(JSON.stringify(mapping.Properties.FilterCriteria)).toContain('INSERT');
  });

  it('runs the deadline poller every minute from the same module, export `deadlines`', () => {
    const deadlines = fn('SagaDeadlines');
    expect(deadlines.Properties.Handler).toBe('index.deadlines');
    const rule = resourceNamed(template, 'AWS::Events::Rule', 'SagaDeadlineSchedule')[1];
    expect(rule.Properties.ScheduleExpression).toBe('rate(1 minute)');
    expect(JSON.stringify(rule.Properties.Targets)).toContain(id('AWS::Lambda::Function', 'SagaDeadlines'));
    for (const prefix of ['SagaHandler', 'SagaDeadlines']) {
      expect(fn(prefix).Properties.Environment).toMatchObject({
        Variables: { EVENTS_TABLE_NAME: { Ref: eventsId }, READ_MODEL_TABLE_NAME: { Ref: stateId } },
      });
    }
  });

  it('grants each function exactly the saga state it writes; only the handler reads the stream', () => {
    const stateActions = [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:Query',
    ];
    const common = [
      allow(['dynamodb:PutItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query'], [arnOf(eventsId)]),
      allow(stateActions, [arnOf(stateId)]),
    ];
    const handler = statementsOfRole(template, roleOf('SagaHandler')).filter(
      (s) => !s.actions[0]?.startsWith('xray') && !s.actions[0]?.startsWith('logs'),
    );
    expect(handler).toEqual([
      ...common,
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
    const deadlines = statementsOfRole(template, roleOf('SagaDeadlines')).filter(
      (s) => !s.actions[0]?.startsWith('xray') && !s.actions[0]?.startsWith('logs'),
    );
    expect(deadlines).toEqual(common);
  });

  it('alarms on lag, errors and dead letters', () => {
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm'))).toHaveLength(3);
  });

  it('refuses a poll more often than a schedule can run, and a built handler without a poller entry', () => {
    expect(refused(() => synthesize({ pollEvery: Duration.seconds(30) }))).toSatisfy(isInvalidPropsError);
    const stack = testStack();
    const eventStore = new EventStoreTable(stack, 'Events');
    const stateTable = tableFromDefinition(stack, 'ReadModels', readModelTableDefinition('read-models'), {
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const built = new StreamSaga(stack, 'Built', {
      eventStore,
      stateTable,
      handler: { entry: FIXTURE_HANDLER },
    });
    expect(
      refused(() => new StreamSaga(stack, 'Other', { eventStore, stateTable, handler: built.function })),
    ).toSatisfy(isInvalidPropsError);
  });
});
