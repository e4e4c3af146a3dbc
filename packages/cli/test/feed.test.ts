import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventStore } from '@dynamo-es/event-store';
import { createFeedTable } from '@dynamo-es/feed';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { lines, runCli } from './support/cli.js';
import { createTables } from './support/tables.js';

let events: string;
let feed: string;
const streams = [uniqueId('account'), uniqueId('account')];

beforeAll(async () => {
  ({ events } = await createTables());
  feed = `${events}-feed`;
  await createFeedTable(testClient(), { tableName: feed });
  const store = new EventStore({ client: testClient(), tableName: events });
  for (const streamId of streams) {
    await store.append(
      streamId,
      [
        { type: 'AccountOpened', data: { owner: 'Ada' } },
        { type: 'MoneyDeposited', data: { amount: 100 } },
      ],
      { expectedVersion: 'no-stream' },
    );
  }
});

describe('dynamo-es feed', () => {
  it('validate exits 1 and says how to repair a feed that lacks events', async () => {
    const { code, stdout, stderr } = await runCli(['feed', 'validate', '--events-table', events]);
    expect(code).toBe(1);
    expect(lines(stdout)[0]).toBe(`Feed "${feed}": 0 positions, 4 events in the events table, 2 streams.`);
    expect(stdout).toMatch(/^missing +4$/m);
    expect(stderr).toBe(
      `error: the feed "${feed}" is not exact: 4 problems; if the indexer is running, wait and validate again, ` +
        'else repair it with "dynamo-es feed rebuild"\n',
    );
  });

  it('rebuild indexes every event, and validate then exits 0', async () => {
    const rebuilt = await runCli(['feed', 'rebuild', '--events-table', events, '--segments', '2']);
    expect(rebuilt.code).toBe(0);
    expect(lines(rebuilt.stdout)[0]).toMatch(new RegExp(`^Feed "${feed}": indexed 4 events in \\d+ batch`));
    const again = await runCli(['feed', 'rebuild', '--events-table', events, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ indexed: 0, duplicates: 4, scanned: 4, failed: [] });
    const validated = await runCli(['feed', 'validate', '--events-table', events, '--feed-table', feed]);
    expect({ code: validated.code, stderr: validated.stderr }).toEqual({ code: 0, stderr: '' });
    expect(lines(validated.stdout)[1]).toBe(
      'ok: every event is in the feed exactly once, each stream in order, positions contiguous.',
    );
  });

  it('validate --json prints the report, and a damaged feed gets the advice of a fresh table', async () => {
    // A batch written by hand after the end, listing an event the feed holds already.
    const entries = JSON.stringify({ t: ['AccountOpened'], e: [[streams[0], 1, [0]]] });
    await testClient().send(
      new PutItemCommand({
        TableName: feed,
        Item: { p: { S: 'b#0' }, n: { N: '5' }, c: { N: '1' }, w: { N: '0' }, b: { S: entries } },
      }),
    );
    const { code, stdout } = await runCli(['feed', 'validate', '--events-table', events, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ ok: false, positions: 5, counts: { duplicate: 1 } });
    const text = await runCli(['feed', 'validate', '--events-table', events]);
    expect(text.stdout).toMatch(/^duplicate +1$/m);
    expect(text.stderr).toContain('rebuild it into a fresh table');
  });

  it('names a missing table, and refuses bad flags with exit code 2', async () => {
    const missing = uniqueId('missing-feed');
    const absent = await runCli(['feed', 'validate', '--events-table', events, '--feed-table', missing]);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toBe(
      `error: the feed table "${missing}" does not exist; create it with "dynamo-es tables create feed" or name another one\n`,
    );
    const bad = await runCli(['feed', 'rebuild', '--segments', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected an integer of at least 1');
  });
});
