import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { eventTableDefinition } from '@dynamo-es/event-store';
import { readModelTableDefinition } from '@dynamo-es/projections';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { lines, runCli } from './support/cli.js';

const prefix = uniqueId('cli-tables');
const names = {
  events: `${prefix}-events`,
  snapshots: `${prefix}-snapshots`,
  readModels: `${prefix}-read-models`,
  checkpoints: `${prefix}-checkpoints`,
  feed: `${prefix}-feed`,
};
const tableFlags = [
  '--events-table',
  names.events,
  '--snapshots-table',
  names.snapshots,
  '--read-model-table',
  names.readModels,
  '--checkpoint-table',
  names.checkpoints,
  '--feed-table',
  names.feed,
];

describe('dynamo-es tables', () => {
  let created: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    created = await runCli(['tables', 'create', ...tableFlags]);
  });

  it('create makes every table with the definitions of the packages', async () => {
    expect(created.code).toBe(0);
    expect(lines(created.stdout)).toEqual([
      expect.stringMatching(/^TABLE {8}NAME +RESULT$/),
      expect.stringMatching(new RegExp(`^events {7}${names.events} +created$`)),
      expect.stringMatching(new RegExp(`^snapshots {4}${names.snapshots} +created$`)),
      expect.stringMatching(new RegExp(`^read-models {2}${names.readModels} +created$`)),
      expect.stringMatching(new RegExp(`^checkpoints {2}${names.checkpoints} +created$`)),
      expect.stringMatching(new RegExp(`^feed {9}${names.feed} +created$`)),
    ]);
    const { Table } = await testClient().send(new DescribeTableCommand({ TableName: names.readModels }));
    const expected = readModelTableDefinition(names.readModels).GlobalSecondaryIndexes ?? [];
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(
      expected.map((index) => index.IndexName),
    );
  });

  it('create leaves existing tables alone', async () => {
    const { code, stdout } = await runCli(['tables', 'create', 'events', 'snapshots', ...tableFlags]);
    expect(code).toBe(0);
    expect(lines(stdout).slice(1)).toEqual([
      expect.stringMatching(/^events .* exists$/),
      expect.stringMatching(/^snapshots .* exists$/),
    ]);
  });

  it('describe shows each table and checks it against its definition', async () => {
    const { code, stdout } = await runCli(['tables', 'describe', ...tableFlags]);
    expect(code).toBe(0);
    expect(lines(stdout)).toEqual([
      expect.stringMatching(/^TABLE {8}NAME +STATUS {2}ITEMS {2}BYTES {2}KEYS +STREAM +CHECK$/),
      expect.stringMatching(/^events .* ACTIVE +0 +0 {2}s\+v +NEW_IMAGE {2}ok$/),
      expect.stringMatching(/^snapshots .* ACTIVE +0 +0 {2}s +off +ok$/),
      expect.stringMatching(/^read-models .* ACTIVE +0 +0 {2}pk\+sk +off +ok$/),
      expect.stringMatching(/^checkpoints .* ACTIVE +0 +0 {2}consumer\+shardId +off +ok$/),
      expect.stringMatching(/^feed .* ACTIVE +0 +0 {2}p\+n +off +ok$/),
    ]);
  });

  it('describe --json prints one object per table, and exits 1 when one is missing', async () => {
    const missing = uniqueId('missing');
    const { code, stdout, stderr } = await runCli([
      'tables',
      'describe',
      'events',
      'snapshots',
      '--json',
      '--events-table',
      names.events,
      '--snapshots-table',
      missing,
    ]);
    expect(code).toBe(1);
    expect(stderr).toBe('error: 1 table missing, 0 tables not as dynamo-es defines it\n');
    expect(lines(stdout).map((line) => JSON.parse(line))).toEqual([
      {
        table: 'events',
        name: names.events,
        exists: true,
        status: 'ACTIVE',
        items: 0,
        sizeBytes: 0,
        keys: 's+v',
        stream: 'NEW_IMAGE',
        billing: 'PAY_PER_REQUEST',
        problems: [],
      },
      { table: 'snapshots', name: missing, exists: false, problems: [] },
    ]);
  });

  it('describe flags a table that is not what dynamo-es expects; create refuses to use it', async () => {
    const wrong = uniqueId('cli-wrong-events');
    const definition = eventTableDefinition(wrong);
    await testClient().send(
      new CreateTableCommand({
        ...definition,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        StreamSpecification: { StreamEnabled: false },
      }),
    );
    const described = await runCli(['tables', 'describe', 'events', '--events-table', wrong]);
    expect(described.code).toBe(1);
    expect(described.stderr).toBe('error: 0 tables missing, 1 table not as dynamo-es defines it\n');
    expect(lines(described.stdout)[1]).toMatch(
      /key schema is id, expected s\+v; no stream with new images: projections cannot be fed$/,
    );
    const created = await runCli(['tables', 'create', 'events', '--events-table', wrong]);
    expect(created.code).toBe(1);
    expect(lines(created.stdout)[1]).toMatch(/^events .* failed$/);
    expect(created.stderr).toMatch(
      new RegExp(
        `^error: could not create the events table "${wrong}": Invalid tableName: table "${wrong}" exists with key schema`,
      ),
    );
  });

  it('rejects an unknown table kind with exit code 2', async () => {
    const { code, stderr } = await runCli(['tables', 'create', 'projections']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      "error: command-argument value 'projections' is invalid for argument 'tables'. Allowed choices are events, snapshots, read-models, checkpoints, feed.\n",
    );
  });
});
