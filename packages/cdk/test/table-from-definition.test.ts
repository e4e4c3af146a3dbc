import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { isInvalidTableDefinitionError } from '../src/errors.js';
import { tableFromDefinition } from '../src/table-from-definition.js';
import { testStack } from './support.js';

const orders: CreateTableCommandInput = {
  TableName: 'orders',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'N' },
    { AttributeName: 'customer', AttributeType: 'S' },
    { AttributeName: 'placedAt', AttributeType: 'S' },
    { AttributeName: 'digest', AttributeType: 'B' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'byCustomer',
      KeySchema: [
        { AttributeName: 'customer', KeyType: 'HASH' },
        { AttributeName: 'placedAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['total'] },
      ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 3 },
    },
  ],
  LocalSecondaryIndexes: [
    {
      IndexName: 'byDigest',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'digest', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
  BillingMode: 'PROVISIONED',
  ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 7 },
  StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
};

function synthesizeTable(definition: CreateTableCommandInput) {
  const stack = testStack();
  tableFromDefinition(stack, 'Table', definition, { removalPolicy: RemovalPolicy.DESTROY });
  return Template.fromStack(stack);
}

describe('tableFromDefinition', () => {
  it('translates keys, indexes, provisioned capacity and the stream of a definition', () => {
    const properties = Object.values(synthesizeTable(orders).findResources('AWS::DynamoDB::Table'))[0]
      ?.Properties;
    expect(properties).toMatchObject({
      KeySchema: orders.KeySchema,
      ProvisionedThroughput: orders.ProvisionedThroughput,
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      GlobalSecondaryIndexes: orders.GlobalSecondaryIndexes,
      LocalSecondaryIndexes: orders.LocalSecondaryIndexes,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
    });
    // CloudFormation's default billing mode is PROVISIONED, so CDK leaves it out.
    expect(properties?.BillingMode ?? 'PROVISIONED').toBe('PROVISIONED');
    expect(properties?.AttributeDefinitions).toHaveLength(5);
    expect(properties?.AttributeDefinitions).toEqual(
      expect.arrayContaining(orders.AttributeDefinitions ?? []),
    );
  });

  it('creates no stream when the definition has none', () => {
    const { StreamSpecification: _stream, ...withoutStream } = orders;
    synthesizeTable(withoutStream).hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: Match.absent(),
    });
  });

  it('refuses a definition field it cannot map, rather than deploy a different table', () => {
    const encrypted = { ...orders, SSESpecification: { Enabled: true } };
    expect(() => synthesizeTable(encrypted)).toThrowError(/SSESpecification/);
    try {
      synthesizeTable(encrypted);
    } catch (error) {
      expect(isInvalidTableDefinitionError(error)).toBe(true);
    }
  });

  it('refuses a key attribute without an attribute definition', () => {
    const untyped = { ...orders, AttributeDefinitions: orders.AttributeDefinitions?.slice(1) };
    expect(() => synthesizeTable(untyped)).toThrowError(
      /key attribute pk has no S, N or B attribute definition/,
    );
  });

  it('refuses a key schema without a partition key', () => {
    const headless = { ...orders, KeySchema: orders.KeySchema?.slice(1) };
    expect(() => synthesizeTable(headless)).toThrowError(/no HASH key/);
  });
});
