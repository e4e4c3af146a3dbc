import { describe, expect, it } from 'vitest';
import { PUBLICATION_TOPIC_ARN, TableEnvironment } from '../../src/lambda/environment.js';
import { FRAUD_WATCH_TABLE_VARIABLE } from '../src/fraud-watch-service.js';
import { arnOf, type CfnResource, resourceNamed, synthesize } from './synthesize.js';

const template = synthesize();
const id = (type: string, prefix: string) => resourceNamed(template, type, prefix)[0];
const resource = (type: string, prefix: string) => resourceNamed(template, type, prefix)[1];
const TOPIC = id('AWS::SNS::Topic', 'FraudWatchBankPublicTopic');
const QUEUE = id('AWS::SQS::Queue', 'FraudWatchQueue');
const FRAUD_TABLE = id('AWS::DynamoDB::Table', 'FraudWatchTable');
const READ_MODELS = id('AWS::DynamoDB::Table', 'ProjectionsReadModelTable');
const EVENTS = id('AWS::DynamoDB::Table', 'EventsTable');

/** Every statement of a function role's policy, as [actions, resources]. */
function statementsOf(functionPrefix: string) {
  const fn = resource('AWS::Lambda::Function', functionPrefix);
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
  const policy = Object.values(
    template.findResources('AWS::IAM::Policy') as Record<string, CfnResource>,
  ).find((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));
  if (!policy) throw new Error(`no policy on ${roleId}`);
  const document = policy.Properties.PolicyDocument as {
    Statement: { Action: unknown; Resource: unknown }[];
  };
  const statements = document.Statement;
  return statements.map((s) => [[s.Action].flat(), [s.Resource].flat()] as const);
}

describe('the bank publication to SNS', () => {
  it('tells the publisher the names its Lambda code reads: events, checkpoints (the bank read models), topic', () => {
    const variables = (
      resource('AWS::Lambda::Function', 'FraudWatchBankPublicationHandler').Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(variables).toMatchObject({
      [TableEnvironment.Events]: { Ref: EVENTS },
      [TableEnvironment.PublicationCheckpoints]: { Ref: READ_MODELS },
      [PUBLICATION_TOPIC_ARN]: { Ref: TOPIC },
    });
  });

  it('may publish to the topic and to nothing else', () => {
    const publishes = statementsOf('FraudWatchBankPublicationHandler').filter(([actions]) =>
      actions.some(
        (a) =>
          String(a).startsWith('sns:') || String(a).startsWith('kinesis:') || String(a).startsWith('events:'),
      ),
    );
    expect(publishes).toEqual([[['sns:Publish'], [{ Ref: TOPIC }]]]);
  });

  it('is fed by the events stream with ReportBatchItemFailures and an on-failure queue', () => {
    const mapping = resource('AWS::Lambda::EventSourceMapping', 'FraudWatchBankPublicationEventsStream');
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [EVENTS, 'StreamArn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: {
        OnFailure: { Destination: arnOf(id('AWS::SQS::Queue', 'FraudWatchBankPublicationDeadLetterQueue')) },
      },
    });
  });

  it('the topic refuses requests without TLS', () => {
    const policy = resource('AWS::SNS::TopicPolicy', 'FraudWatchBankPublicTopicPolicy');
    expect(JSON.stringify(policy.Properties)).toContain('"aws:SecureTransport":"false"');
  });
});

describe('fraud-watch, subscribed through SQS', () => {
  it('subscribes its queue to the topic with raw delivery (the body is the message itself)', () => {
    const subscription = Object.values(
      template.findResources('AWS::SNS::Subscription') as Record<string, CfnResource>,
    );
    expect(subscription.map((s) => s.Properties)).toEqual([
      { Endpoint: arnOf(QUEUE), Protocol: 'sqs', RawMessageDelivery: true, TopicArn: { Ref: TOPIC } },
    ]);
    const queuePolicy = resource('AWS::SQS::QueuePolicy', 'FraudWatchQueuePolicy');
    expect(JSON.stringify(queuePolicy.Properties)).toContain(
      JSON.stringify({ ArnEquals: { 'aws:SourceArn': { Ref: TOPIC } } }),
    );
  });

  it('feeds its function in batches with ReportBatchItemFailures; the queue hides a message 6 times the timeout, then dead-letters', () => {
    const mapping = resource('AWS::Lambda::EventSourceMapping', 'FraudWatchHandlerSqsEventSource');
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: arnOf(QUEUE),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
    const fn = resource('AWS::Lambda::Function', 'FraudWatchHandler');
    const queue = resource('AWS::SQS::Queue', 'FraudWatchQueue');
    expect(queue.Properties.VisibilityTimeout).toBe(6 * (fn.Properties.Timeout as number));
    expect(queue.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: arnOf(id('AWS::SQS::Queue', 'FraudWatchDeadLetterQueue')),
      maxReceiveCount: 10,
    });
  });

  it('has a table of its own, with the read-model schema, named to its function as its Lambda code reads it', () => {
    expect(FRAUD_WATCH_TABLE_VARIABLE).toBe(TableEnvironment.FraudWatch);
    const fn = resource('AWS::Lambda::Function', 'FraudWatchHandler');
    expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      [TableEnvironment.FraudWatch]: { Ref: FRAUD_TABLE },
    });
    const table = resource('AWS::DynamoDB::Table', 'FraudWatchTable');
    const readModels = resource('AWS::DynamoDB::Table', 'ProjectionsReadModelTable');
    expect(table.Properties.KeySchema).toEqual(readModels.Properties.KeySchema);
  });

  it('may touch only its own table and its queue: nothing of the bank', () => {
    const resources = statementsOf('FraudWatchHandler').flatMap(([actions, on]) =>
      actions.some((a) => String(a).startsWith('dynamodb:') || String(a).startsWith('sqs:')) ? on : [],
    );
    expect(resources).toContainEqual(arnOf(FRAUD_TABLE));
    expect(resources).toContainEqual(arnOf(QUEUE));
    // The table's ARN, its indexes' (`<arn>/index/*`) and the queue's: no other resource.
    const others = resources.filter(
      (r) => ![FRAUD_TABLE, QUEUE].some((own) => JSON.stringify(r).includes(`"${own}"`)),
    );
    expect(others).toEqual([]);
  });

  it('alarms on its function errors, the age of its queue and its dead letters', () => {
    for (const alarm of ['FraudWatchErrorsAlarm', 'FraudWatchQueueAgeAlarm', 'FraudWatchDeadLetterAlarm'])
      expect(resource('AWS::CloudWatch::Alarm', alarm).Properties.AlarmDescription).toMatch(/^fraud-watch: /);
  });
});
