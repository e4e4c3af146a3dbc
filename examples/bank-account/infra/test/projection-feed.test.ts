import { describe, expect, it } from 'vitest';
import { arnOf, resourceNamed, synthesize } from './synthesize.js';

const template = synthesize();
const [queueId, queue] = resourceNamed(template, 'AWS::SQS::Queue', 'ProjectionsDeadLetterQueue');
const mapping = resourceNamed(template, 'AWS::Lambda::EventSourceMapping', 'ProjectionsEventsStream')[1];
const eventsTableId = resourceNamed(template, 'AWS::DynamoDB::Table', 'EventsTable')[0];
const projectionFunctionId = resourceNamed(template, 'AWS::Lambda::Function', 'ProjectionsHandler')[0];

describe('event source mapping from the events stream to the projection handler', () => {
  it('reads the events table stream from its oldest record into the projection handler', () => {
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [eventsTableId, 'StreamArn'] },
      FunctionName: { Ref: projectionFunctionId },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
    });
  });

  it('reports partial batch failures and bisects failing batches', () => {
    expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(mapping.Properties.BisectBatchOnFunctionError).toBe(true);
  });

  it('bounds retries and record age, then hands the batch to the SQS dead-letter queue', () => {
    expect(mapping.Properties.MaximumRetryAttempts).toBe(5);
    expect(mapping.Properties.MaximumRecordAgeInSeconds).toBe(6 * 60 * 60);
    expect(mapping.Properties.DestinationConfig).toEqual({ OnFailure: { Destination: arnOf(queueId) } });
  });

  it('processes two batches per shard at once by default, and takes another factor as a prop', () => {
    expect(mapping.Properties.ParallelizationFactor).toBe(2);
    const tuned = synthesize({ projectionFeed: { parallelizationFactor: 5 } });
    const tunedMapping = resourceNamed(
      tuned,
      'AWS::Lambda::EventSourceMapping',
      'ProjectionsEventsStream',
    )[1];
    expect(tunedMapping.Properties.ParallelizationFactor).toBe(5);
  });

  it('passes only inserted event items', () => {
    const filters = (mapping.Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((filter) => JSON.parse(filter.Pattern))).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { t: { S: [{ exists: true }] } } } },
    ]);
  });

  it('is created only after the projection role may read the stream', () => {
    const policyId = resourceNamed(template, 'AWS::IAM::Policy', 'ProjectionsHandlerRoleDefaultPolicy')[0];
    expect(mapping.DependsOn).toContain(policyId);
  });
});

describe('dead-letter queue', () => {
  it('keeps failure records for the longest SQS allows, encrypted', () => {
    expect(queue.Properties).toMatchObject({
      MessageRetentionPeriod: 14 * 24 * 60 * 60,
      SqsManagedSseEnabled: true,
    });
  });

  it('refuses plain HTTP', () => {
    const policy = resourceNamed(template, 'AWS::SQS::QueuePolicy', 'ProjectionsDeadLetterQueuePolicy')[1];
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('raises an alarm as soon as one failure record waits in it', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });
});
