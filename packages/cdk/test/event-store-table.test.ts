import { eventTableDefinition, snapshotTableDefinition } from '@dynamo-es/event-store';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { EventStoreTable, type EventStoreTableProps, IamActions, isInvalidPropsError } from '../src/index.js';
import { allow, arnOf, resourceNamed, statementsOfRole, testStack } from './support.js';

function synthesize(
  props: EventStoreTableProps = {},
  grant?: (store: EventStoreTable, role: iam.Role) => void,
) {
  const stack = testStack();
  const store = new EventStoreTable(stack, 'Events', props);
  const role = new iam.Role(stack, 'Grantee', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  grant?.(store, role);
  const template = Template.fromStack(stack);
  const roleId = resourceNamed(template, 'AWS::IAM::Role', 'Grantee')[0];
  return { template, store, statements: () => statementsOfRole(template, roleId) };
}

describe('EventStoreTable', () => {
  const { template } = synthesize();
  const [eventsId, events] = resourceNamed(template, 'AWS::DynamoDB::Table', 'EventsTable');

  it('is the table of eventTableDefinition: keys s + v, on-demand, a stream of new images', () => {
    const definition = eventTableDefinition('events');
    expect(events.Properties).toMatchObject({
      KeySchema: definition.KeySchema,
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
    expect(events.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining(definition.AttributeDefinitions ?? []),
    );
    expect(events.Properties.TableName).toBeUndefined();
  });

  it('keeps point-in-time recovery and deletion protection on, and is retained with its stack', () => {
    expect(events.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(events.Properties.DeletionProtectionEnabled).toBe(true);
    expect(events.DeletionPolicy).toBe('Retain');
    expect(events.UpdateReplacePolicy).toBe('Retain');
  });

  it('can be made throwaway, explicitly', () => {
    const throwaway = resourceNamed(
      synthesize({ removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false }).template,
      'AWS::DynamoDB::Table',
      'EventsTable',
    )[1];
    expect(throwaway.DeletionPolicy).toBe('Delete');
    expect(throwaway.Properties.DeletionProtectionEnabled).toBe(false);
  });

  it('has no snapshot table unless asked, and then the one of snapshotTableDefinition, without a stream', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const withSnapshots = synthesize({ snapshots: true }).template;
    const snapshots = resourceNamed(withSnapshots, 'AWS::DynamoDB::Table', 'EventsSnapshotTable')[1];
    expect(snapshots.Properties.KeySchema).toEqual(snapshotTableDefinition('snapshots').KeySchema);
    expect(snapshots.Properties.StreamSpecification).toBeUndefined();
    expect(snapshots.DeletionPolicy).toBe('Delete');
  });

  it('grants exactly the actions an append sends, on the events table only', () => {
    const { statements } = synthesize({}, (store, role) => store.grantAppend(role));
    expect(statements()).toEqual([
      allow(['dynamodb:PutItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query'], [arnOf(eventsId)]),
    ]);
  });

  it('grants Query alone for reading, and the stream actions on the stream alone', () => {
    const { statements } = synthesize({}, (store, role) => {
      store.grantRead(role);
      store.grantStreamRead(role);
    });
    expect(statements()).toEqual([
      allow(['dynamodb:Query'], [arnOf(eventsId)]),
      allow([...IamActions.streamRead], [{ 'Fn::GetAtt': [eventsId, 'StreamArn'] }]),
    ]);
  });

  it('grants GetItem and PutItem on the snapshot table for snapshots', () => {
    const { template: withSnapshots, statements } = synthesize({ snapshots: true }, (store, role) =>
      store.grantSnapshots(role),
    );
    const snapshotsId = resourceNamed(withSnapshots, 'AWS::DynamoDB::Table', 'EventsSnapshotTable')[0];
    expect(statements()).toEqual([allow(['dynamodb:GetItem', 'dynamodb:PutItem'], [arnOf(snapshotsId)])]);
  });

  it('refuses a snapshot grant without a snapshot table, with a typed error', () => {
    let caught: unknown;
    try {
      synthesize({}, (store, role) => store.grantSnapshots(role));
    } catch (error) {
      caught = error;
    }
    expect(isInvalidPropsError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/grantSnapshots needs `snapshots: true`/);
  });
});
