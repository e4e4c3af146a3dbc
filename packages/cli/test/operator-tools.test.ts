import { EventStore } from '@dynamo-es/event-store';
import { ReadModels } from '@dynamo-es/projections';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { POISON_AMOUNT } from './fixtures/bank.js';
import { lines, runCli, spawnCli } from './support/cli.js';
import { createTables } from './support/tables.js';

// The operator tools around rebuilds and versions, each through the real binary.

const FIXED = 'test/fixtures/projections.ts';
const POISONED = 'test/fixtures/poisoned-projections.ts';
const SLOW = 'test/fixtures/slow-projections.ts';
let tables: { events: string; readModels: string };
let env: Record<string, string>;
const streams = Array.from({ length: 5 }, () => uniqueId('account'));

beforeAll(async () => {
  tables = await createTables();
  env = { DYNAMO_ES_EVENTS_TABLE: tables.events };
  const store = new EventStore({ client: testClient(), tableName: tables.events });
  for (const streamId of streams) {
    await store.append(
      streamId,
      [
        { type: 'AccountOpened', data: { owner: streamId } },
        { type: 'MoneyDeposited', data: { amount: streamId === streams[0] ? POISON_AMOUNT : 100 } },
        { type: 'MoneyWithdrawn', data: { amount: 30 } },
      ],
      { expectedVersion: 'no-stream' },
    );
  }
});

const readModels = () =>
  new ReadModels({
    client: testClient(),
    eventStore: new EventStore({ client: testClient(), tableName: tables.events }),
    tableName: tables.readModels,
  });

describe('operator tools', () => {
  it('a rebuild that dead-letters events exits 1 and says how to replay them', async () => {
    const result = await runCli(
      ['projections', 'rebuild', 'accounts', '--projections', POISONED, '--version', '1', '--no-progress'],
      env,
    );
    expect(result.code).toBe(1);
    expect(lines(result.stdout)[0]).toMatch(/^Rebuilt accounts v1 in .*, 1 dead letter, /);
    expect(lines(result.stderr).at(-1)).toBe(
      `error: the rebuild of accounts v1 dead-lettered 1 event; fix the handler, then replay them with ` +
        `"dynamo-es dead-letters replay --projections ${POISONED} --projection accounts --version 1"`,
    );
  });

  it('switch refuses a version with open dead letters (parked streams) unless --force', async () => {
    const refused = await runCli(['projections', 'switch', 'accounts', '1'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'error: Version 1 of projection "accounts" has 1 open dead letter(s): its parked streams are stale. ' +
        'Replay them first, or force the switch.\n',
    );
    const forced = await runCli(['projections', 'switch', 'accounts', '1', '--force'], env);
    expect(forced).toEqual({ code: 0, stdout: 'Readers of accounts now read version 1.\n', stderr: '' });
  });

  it("versions delete removes an old version's items, and refuses the active one", async () => {
    const rebuilt = await runCli(
      ['projections', 'rebuild', 'accounts', '--projections', FIXED, '--switch', '--no-progress'],
      env,
    );
    expect(rebuilt.code).toBe(0);
    const active = await runCli(['projections', 'versions', 'delete', 'accounts', '2'], env);
    expect(active.code).toBe(1);
    expect(active.stderr).toBe(
      'error: Invalid version: accounts v2 is the active version; switch readers away first\n',
    );
    const deleted = await runCli(['projections', 'versions', 'delete', 'accounts', '1'], env);
    expect(deleted).toEqual({
      code: 0,
      stdout: 'Deleted accounts v1: 5 documents, 5 checkpoints, 1 dead letters, 5 other items.\n',
      stderr: '',
    });
    expect((await readModels().versions.list('accounts')).map((record) => record.version)).toEqual([2]);
    expect((await readModels().reader({ name: 'accounts', version: 1 }, { pinned: true }).list()).size).toBe(
      0,
    );
  });

  it('Ctrl-C stops a rebuild and says how to resume or abandon it; the resume finishes it', async () => {
    const args = [
      'projections',
      'rebuild',
      'slow',
      '--projections',
      SLOW,
      '--segments',
      '1',
      '--page-size',
      '3',
    ];
    const running = spawnCli([...args, '--no-progress'], env);
    await running.waitFor('SLOW-PROJECTION-APPLYING');
    running.child.kill('SIGINT');
    const stopped = await running.done;
    expect(stopped.code).toBe(130);
    const said = lines(stopped.stderr);
    expect(said).toContain(
      'Stopping after the current page and saving the positions (Ctrl-C again to quit at once)...',
    );
    expect(said.slice(-3)).toEqual([
      'error: the rebuild of slow v1 was interrupted (0 of 1 segments done); what it applied is saved.',
      `Resume it:  dynamo-es projections rebuild slow --projections ${SLOW} --version 1 --segments 1 --resume`,
      'Abandon it: dynamo-es projections versions delete slow 1',
    ]);
    expect((await readModels().versions.list('slow'))[0]).toMatchObject({ status: 'building' });

    const resumed = await runCli([...args, '--resume', '--no-progress'], env);
    expect(resumed.code).toBe(0);
    expect(lines(resumed.stdout)[0]).toMatch(
      /^Rebuilt slow v1 in .*, 0 dead letters, 0 caught up after the scan\.$/,
    );
    const documents = await readModels().reader<{ events: number }>({ name: 'slow', version: 1 }).list();
    expect([...documents.values()]).toEqual(streams.map(() => ({ events: 3 })));
  });
});
