import { describe, expect, it } from 'vitest';
import { arnOf, type CfnResource, resourceNamed, synthesize } from './synthesize.js';

const template = synthesize();
const logicalId = (type: string, id: string) => resourceNamed(template, type, id)[0];
const tableId = (id: string) => logicalId('AWS::DynamoDB::Table', id);
const EVENTS = 'EventsTable';
const SNAPSHOTS = 'EventsSnapshotTable';
const IDEMPOTENCY = 'EventsIdempotencyTable';
const READ_MODELS = 'ProjectionsReadModelTable';
const FEED = 'FeedFeedTable';
const fn = (id: string) => resourceNamed(template, 'AWS::Lambda::Function', id);

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** The statements of a function's role, actions and resources as arrays for plain comparison. */
function statementsOf(functionId: string) {
  const [, resource] = fn(functionId);
  const roleId = (resource.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const policies = Object.values(
    template.findResources('AWS::IAM::Policy') as Record<string, CfnResource>,
  ).filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));
  const [policy, ...others] = policies;
  if (!policy || others.length > 0)
    throw new Error(`expected one policy on ${roleId}, found ${policies.length}`);
  const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
  return statements.map((statement) => ({
    effect: statement.Effect,
    actions: [statement.Action].flat(),
    resources: [statement.Resource].flat(),
  }));
}

const allow = (actions: string[], resources: unknown[]) => ({ effect: 'Allow', actions, resources });
const XRAY = allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], ['*']);
/** The four actions that read the events table's stream, on the stream only. */
const streamReadOf = (eventsTableId: string) =>
  allow(
    ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
    [{ 'Fn::GetAtt': [eventsTableId, 'StreamArn'] }],
  );
const logsOf = (functionId: string) =>
  allow(
    ['logs:CreateLogStream', 'logs:PutLogEvents'],
    [arnOf(logicalId('AWS::Logs::LogGroup', `${functionId}Logs`))],
  );

describe('Lambda functions', () => {
  it.each(['HttpApiHandler', 'ProjectionsHandler', 'FeedHandler'])(
    '%s runs Node.js 22 on ARM64, with source maps, JSON logs and X-Ray',
    (id) => {
      const properties = fn(id)[1].Properties;
      expect(properties.Runtime).toBe('nodejs22.x');
      expect(properties.Architectures).toEqual(['arm64']);
      expect(properties.Handler).toBe('index.handler');
      expect(properties.Environment).toMatchObject({ Variables: { NODE_OPTIONS: '--enable-source-maps' } });
      expect(properties.LoggingConfig).toEqual({
        LogFormat: 'JSON',
        LogGroup: { Ref: logicalId('AWS::Logs::LogGroup', `${id}Logs`) },
      });
      expect(properties.TracingConfig).toEqual({ Mode: 'Active' });
    },
  );

  it('tells the HTTP handler the names of all four tables', () => {
    expect(fn('HttpApiHandler')[1].Properties.Environment).toEqual({
      Variables: {
        EVENTS_TABLE_NAME: { Ref: tableId(EVENTS) },
        SNAPSHOTS_TABLE_NAME: { Ref: tableId(SNAPSHOTS) },
        IDEMPOTENCY_TABLE_NAME: { Ref: tableId(IDEMPOTENCY) },
        READ_MODEL_TABLE_NAME: { Ref: tableId(READ_MODELS) },
        APPROVAL_LIMIT: '1000000',
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
  });

  it('tells the feed indexer the names of the events and feed tables', () => {
    expect(fn('FeedHandler')[1].Properties.Environment).toEqual({
      Variables: {
        EVENTS_TABLE_NAME: { Ref: tableId(EVENTS) },
        FEED_TABLE_NAME: { Ref: tableId(FEED) },
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
  });

  it('tells the projection handler the names of the events and read-model tables', () => {
    expect(fn('ProjectionsHandler')[1].Properties.Environment).toEqual({
      Variables: {
        EVENTS_TABLE_NAME: { Ref: tableId(EVENTS) },
        READ_MODEL_TABLE_NAME: { Ref: tableId(READ_MODELS) },
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
  });
});

describe('IAM', () => {
  it('lets the HTTP handler append, load, snapshot and get read models, and nothing else', () => {
    expect(statementsOf('HttpApiHandler')).toEqual([
      XRAY,
      logsOf('HttpApiHandler'),
      allow(['dynamodb:PutItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query'], [arnOf(tableId(EVENTS))]),
      allow(['dynamodb:GetItem', 'dynamodb:PutItem'], [arnOf(tableId(SNAPSHOTS))]),
      allow(['dynamodb:GetItem', 'dynamodb:PutItem'], [arnOf(tableId(IDEMPOTENCY))]),
      // GetItem only: the queries never Query the read-model table.
      allow(['dynamodb:GetItem'], [arnOf(tableId(READ_MODELS))]),
    ]);
  });

  it('lets the projection handler write read models, fill gaps, read the stream and dead-letter', () => {
    const events = tableId(EVENTS);
    expect(statementsOf('ProjectionsHandler')).toEqual([
      XRAY,
      logsOf('ProjectionsHandler'),
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
        [arnOf(tableId(READ_MODELS))],
      ),
      allow(['dynamodb:Query'], [arnOf(events)]),
      streamReadOf(events),
      allow(['sqs:SendMessage'], [arnOf(logicalId('AWS::SQS::Queue', 'ProjectionsDeadLetterQueue'))]),
    ]);
  });

  it('lets the feed indexer write the feed, read missing versions, read the stream and dead-letter', () => {
    const events = tableId(EVENTS);
    expect(statementsOf('FeedHandler')).toEqual([
      XRAY,
      logsOf('FeedHandler'),
      allow(
        [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:Query',
          'dynamodb:BatchGetItem',
        ],
        [arnOf(tableId(FEED))],
      ),
      allow(['dynamodb:BatchGetItem'], [arnOf(events)]),
      streamReadOf(events),
      allow(['sqs:SendMessage'], [arnOf(logicalId('AWS::SQS::Queue', 'FeedDeadLetterQueue'))]),
    ]);
  });

  it('lets the large-transfer saga run the bank commands it sends, and its poller fire deadlines', () => {
    const events = tableId(EVENTS);
    const append = allow(
      ['dynamodb:PutItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query'],
      [arnOf(events)],
    );
    const handler = statementsOf('LargeTransfersHandler').filter((s) =>
      s.actions[0]?.startsWith('dynamodb:'),
    );
    expect(handler).toContainEqual(append);
    expect(handler).toContainEqual(
      allow(['dynamodb:GetItem', 'dynamodb:PutItem'], [arnOf(tableId(SNAPSHOTS))]),
    );
    expect(handler).toContainEqual(
      allow(['dynamodb:GetItem', 'dynamodb:PutItem'], [arnOf(tableId(IDEMPOTENCY))]),
    );
    expect(JSON.stringify(handler)).toContain(tableId(READ_MODELS));
    // The poller only finds what is due, appends the saga's step and deletes the index item.
    const poller = statementsOf('LargeTransfersDeadlines').filter((s) =>
      s.actions[0]?.startsWith('dynamodb:'),
    );
    expect(poller).toEqual([
      allow(['dynamodb:Query', 'dynamodb:DeleteItem'], [arnOf(tableId(READ_MODELS))]),
      append,
    ]);
    for (const id of ['LargeTransfersHandler', 'LargeTransfersDeadlines']) {
      expect(fn(id)[1].Properties.Environment).toMatchObject({
        Variables: { APPROVAL_LIMIT: '1000000', APPROVAL_WINDOW_SECONDS: '86400' },
      });
    }
    expect(fn('LargeTransfersDeadlines')[1].Properties.Handler).toBe('index.deadlines');
  });

  it('attaches no managed policy and no other inline policy to any role', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role') as Record<string, CfnResource>);
    // One role per function (the bank's and fraud-watch's), none shared, none else.
    const functions = Object.keys(template.findResources('AWS::Lambda::Function'));
    expect(roles).toHaveLength(functions.length);
    for (const role of roles) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.Policies).toBeUndefined();
    }
    expect(Object.keys(template.findResources('AWS::IAM::Policy'))).toHaveLength(functions.length);
  });

  it('grants nothing on every resource but X-Ray, whose actions have no resources', () => {
    for (const policy of Object.values(
      template.findResources('AWS::IAM::Policy') as Record<string, CfnResource>,
    )) {
      const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
      for (const statement of statements.filter((candidate) => candidate.Resource === '*')) {
        expect([statement.Action].flat().every((action) => action.startsWith('xray:'))).toBe(true);
      }
    }
  });
});
