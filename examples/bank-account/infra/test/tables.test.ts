import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import {
  eventTableDefinition,
  idempotencyTableDefinition,
  snapshotTableDefinition,
} from '@dynamo-es/event-store';
import { readModelTableDefinition } from '@dynamo-es/projections';
import { RemovalPolicy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { type CfnResource, resourceNamed, synthesize } from './synthesize.js';

const template = synthesize();
const table = (id: string): CfnResource => resourceNamed(template, 'AWS::DynamoDB::Table', id)[1];

const byName = (definitions: CreateTableCommandInput['AttributeDefinitions']) =>
  [...(definitions ?? [])].sort((a, b) => String(a.AttributeName).localeCompare(String(b.AttributeName)));

/** The parts of a table a deployment must share with the library's local `CreateTable`. */
function expectSameSchema(resource: CfnResource, definition: CreateTableCommandInput): void {
  const properties = resource.Properties;
  expect(properties.KeySchema).toEqual(definition.KeySchema);
  expect(byName(properties.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'])).toEqual(
    byName(definition.AttributeDefinitions),
  );
  expect(properties.GlobalSecondaryIndexes).toEqual(definition.GlobalSecondaryIndexes);
  expect(properties.BillingMode).toBe(definition.BillingMode);
  expect(properties.BillingMode).toBe('PAY_PER_REQUEST');
}

describe('events table', () => {
  const events = table('EventsTable');

  it('has the key schema of eventTableDefinition: streamId (S) then version (N)', () => {
    expectSameSchema(events, eventTableDefinition('events'));
    expect(events.Properties.KeySchema).toEqual([
      { AttributeName: 's', KeyType: 'HASH' },
      { AttributeName: 'v', KeyType: 'RANGE' },
    ]);
  });

  it('streams new images, as projections decode them', () => {
    expect(events.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
  });

  it('keeps point-in-time recovery on', () => {
    expect(events.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('is retained and deletion-protected, unless told otherwise', () => {
    expect(events.DeletionPolicy).toBe('Retain');
    expect(events.Properties.DeletionProtectionEnabled).toBe(true);
    const destroyable = resourceNamed(
      synthesize({ removalPolicy: RemovalPolicy.DESTROY }),
      'AWS::DynamoDB::Table',
      'EventsTable',
    )[1];
    expect(destroyable.DeletionPolicy).toBe('Delete');
    expect(destroyable.Properties.DeletionProtectionEnabled).toBe(false);
  });

  it('lets CloudFormation name it, so stacks can coexist', () => {
    expect(events.Properties.TableName).toBeUndefined();
  });
});

describe('snapshots table', () => {
  const snapshots = table('EventsSnapshotTable');

  it('has the key schema of snapshotTableDefinition', () => {
    expectSameSchema(snapshots, snapshotTableDefinition('snapshots'));
  });

  it('has no stream, so snapshots never reach projections', () => {
    expect(snapshots.Properties.StreamSpecification).toBeUndefined();
  });

  it('goes with the stack: snapshots are derived from the events', () => {
    expect(snapshots.DeletionPolicy).toBe('Delete');
  });
});

describe('idempotency table', () => {
  const idempotency = table('EventsIdempotencyTable');

  it('has the key schema of idempotencyTableDefinition and no stream', () => {
    expectSameSchema(idempotency, idempotencyTableDefinition('idempotency'));
    expect(idempotency.Properties.StreamSpecification).toBeUndefined();
  });

  it('is retained with the events: which requests were applied cannot be rebuilt from them', () => {
    expect(idempotency.DeletionPolicy).toBe('Retain');
    expect(idempotency.Properties.PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
    });
  });
});

describe('read-model table', () => {
  const readModels = table('ProjectionsReadModelTable');

  it('has the key schema and indexes of readModelTableDefinition', () => {
    expectSameSchema(readModels, readModelTableDefinition('read-models'));
  });

  it('has no stream and goes with the stack: read models are rebuilt from the events', () => {
    expect(readModels.Properties.StreamSpecification).toBeUndefined();
    expect(readModels.DeletionPolicy).toBe('Delete');
  });
});
