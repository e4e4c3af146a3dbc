import { feedTableDefinition } from '@dynamo-es/feed';
import { RemovalPolicy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { arnOf, resourceNamed, synthesize } from './synthesize.js';

const template = synthesize();
const [feedTableId, feedTable] = resourceNamed(template, 'AWS::DynamoDB::Table', 'FeedFeedTable');
const eventsTableId = resourceNamed(template, 'AWS::DynamoDB::Table', 'EventsTable')[0];
const indexerId = resourceNamed(template, 'AWS::Lambda::Function', 'FeedHandler')[0];
const mapping = resourceNamed(template, 'AWS::Lambda::EventSourceMapping', 'FeedEventsStream')[1];
const queueId = resourceNamed(template, 'AWS::SQS::Queue', 'FeedDeadLetterQueue')[0];

describe('the feed: its table and the indexer on the events stream', () => {
  it('deploys the feed table with the key schema of feedTableDefinition, on demand, with PITR', () => {
    const definition = feedTableDefinition('events-feed');
    expect(feedTable.Properties.KeySchema).toEqual(definition.KeySchema);
    expect(feedTable.Properties.AttributeDefinitions).toEqual(definition.AttributeDefinitions);
    expect(feedTable.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(feedTable.Properties.PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
    });
  });

  it('retains the feed table unless the stack is a throwaway one', () => {
    expect(feedTable.DeletionPolicy).toBe('Retain');
    const throwaway = synthesize({ removalPolicy: RemovalPolicy.DESTROY });
    expect(resourceNamed(throwaway, 'AWS::DynamoDB::Table', 'FeedFeedTable')[1].DeletionPolicy).toBe(
      'Delete',
    );
  });

  it('feeds the indexer with inserts only, one batch at a time per shard, from the oldest record', () => {
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [eventsTableId, 'StreamArn'] },
      FunctionName: { Ref: indexerId },
      StartingPosition: 'TRIM_HORIZON',
      ParallelizationFactor: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: arnOf(queueId) } },
    });
    expect(JSON.stringify(mapping.Properties.FilterCriteria)).toContain('INSERT');
  });

  it('outputs the feed table and the indexer dead-letter queue for operators', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.FeedTableName?.Value).toEqual({ Ref: feedTableId });
    expect(outputs.FeedDeadLetterQueueUrl?.Value).toEqual({ Ref: queueId });
  });
});
