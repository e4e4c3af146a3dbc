import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EventStoreTable, isInvalidPropsError, StreamSaga, type StreamSagaProps } from '../src/index.js';
import { allow, arnOf, FIXTURE_HANDLER, resourceNamed, statementsOfRole, testStack } from './support.js';

function synthesize(props: Partial<StreamSagaProps> = {}) {
  const stack = testStack();
  const eventStore = new EventStoreTable(stack, 'Events', { idempotency: true });
  new StreamSaga(stack, 'Transfers', {
    eventStore,
    handler: { entry: FIXTURE_HANDLER },
    deadlines: { entry: FIXTURE_HANDLER },
    ...props,
  });
  return Template.fromStack(stack);
}

const template = synthesize();
const id = (type: string, prefix: string) => resourceNamed(template, type, prefix)[0];
const eventsId = id('AWS::DynamoDB::Table', 'EventsTable');
const keysId = id('AWS::DynamoDB::Table', 'EventsIdempotencyTable');
const readModelsId = id('AWS::DynamoDB::Table', 'TransfersReadModelTable');
const queueId = id('AWS::SQS::Queue', 'TransfersDeadLetterQueue');
const handlerId = id('AWS::Lambda::Function', 'TransfersHandler');
const pollerId = id('AWS::Lambda::Function', 'TransfersDeadlines');

describe('StreamSaga', () => {
  it('maps the events stream to the handler with partial batch failures', () => {
    const mapping = resourceNamed(template, 'AWS::Lambda::EventSourceMapping', 'TransfersEventsStream')[1];
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [eventsId, 'StreamArn'] },
      FunctionName: { Ref: handlerId },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: arnOf(queueId) } },
    });
  });

  it('polls the deadlines every minute through an EventBridge rule', () => {
    const rule = resourceNamed(template, 'AWS::Events::Rule', 'TransfersSchedule')[1];
    expect(rule.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [expect.objectContaining({ Arn: arnOf(pollerId), RetryPolicy: { MaximumRetryAttempts: 2 } })],
    });
    const permission = resourceNamed(template, 'AWS::Lambda::Permission', 'TransfersSchedule')[1];
    expect(permission.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: arnOf(pollerId),
    });
  });

  it('lets the handler do what reacting and sending commands sends, and nothing else', () => {
    const statements = statementsOfRole(template, id('AWS::IAM::Role', 'TransfersHandlerRole')).slice(2);
    expect(statements).toEqual([
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
      allow(['dynamodb:PutItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query'], [arnOf(eventsId)]),
      allow(
        [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        [{ 'Fn::GetAtt': [eventsId, 'StreamArn'] }],
      ),
      allow(['dynamodb:GetItem', 'dynamodb:PutItem'], [arnOf(keysId)]),
      allow(['sqs:SendMessage'], [arnOf(queueId)]),
    ]);
  });

  it('lets the poller query and delete due deadlines and append steps, never scan', () => {
    const statements = statementsOfRole(template, id('AWS::IAM::Role', 'TransfersDeadlinesRole')).slice(2);
    expect(statements).toEqual([
      allow(['dynamodb:Query', 'dynamodb:DeleteItem'], [arnOf(readModelsId)]),
      allow(['dynamodb:PutItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query'], [arnOf(eventsId)]),
    ]);
    expect(JSON.stringify(template.toJSON())).not.toContain('dynamodb:Scan');
  });

  it('refuses a poll interval EventBridge cannot schedule', () => {
    try {
      synthesize({ pollEvery: Duration.seconds(10) });
      expect.unreachable();
    } catch (error) {
      expect(isInvalidPropsError(error) && error.message).toMatch(/pollEvery/);
    }
  });
});
