import { EventStore } from '@dynamo-es/event-store';
import { ReadModels } from '@dynamo-es/projections';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { type Account, POISON_AMOUNT } from './fixtures/bank.js';
import { cells, lines, runCli } from './support/cli.js';
import { createTables } from './support/tables.js';

const FIXED = 'test/fixtures/projections.ts';
const POISONED = 'test/fixtures/poisoned-projections.ts';
let tables: { events: string; readModels: string };
let env: Record<string, string>;
const streams = Array.from({ length: 5 }, () => uniqueId('account'));
const poisoned = uniqueId('poisoned');

beforeAll(async () => {
  tables = await createTables();
  env = { DYNAMO_ES_EVENTS_TABLE: tables.events };
  const store = new EventStore({ client: testClient(), tableName: tables.events });
  for (const streamId of streams) {
    await store.append(
      streamId,
      [
        { type: 'AccountOpened', data: { owner: streamId } },
        { type: 'MoneyDeposited', data: { amount: 100 } },
        { type: 'MoneyWithdrawn', data: { amount: 30 } },
      ],
      { expectedVersion: 'no-stream' },
    );
  }
  await store.append(
    poisoned,
    [
      { type: 'AccountOpened', data: { owner: 'Eve' } },
      { type: 'MoneyDeposited', data: { amount: POISON_AMOUNT } },
      { type: 'MoneyWithdrawn', data: { amount: 6 } },
    ],
    { expectedVersion: 'no-stream' },
  );
});

const readModels = () =>
  new ReadModels({
    client: testClient(),
    eventStore: new EventStore({ client: testClient(), tableName: tables.events }),
    tableName: tables.readModels,
  });
const documents = (version: number) =>
  readModels().reader<Account>({ name: 'accounts', version }, { pinned: true }).list();

describe("an operator's session, step by step (each step builds on the previous one)", () => {
  it('rebuild prints a summary, dead-letters the poison event and refuses to --switch', async () => {
    const rebuilt = await runCli(
      ['projections', 'rebuild', 'accounts', '--projections', POISONED, '--version', '1', '--switch'],
      env,
    );
    expect(rebuilt.code).toBe(1);
    expect(lines(rebuilt.stdout)).toEqual([
      expect.stringMatching(
        /^Rebuilt accounts v1 in [\d.]+ m?s: 17 events \([\d,]+ events\/s\) from 6 streams, 6 documents written, 1 dead letter, 0 caught up after the scan\.$/,
      ),
      'Inspect the dead letters: dynamo-es dead-letters list --projection accounts --version 1',
      'Readers still read the active version; switch them with: dynamo-es projections switch accounts 1',
    ]);
    // Without a terminal the bar is logged as lines on standard error; the error comes last.
    const errors = lines(rebuilt.stderr);
    expect(errors[0]).toMatch(/^accounts v1 .* \d+% \| [\d,]+\/~?[\d,]+ events \| [\d,-]+ events\/s \| ETA /);
    expect(errors[errors.length - 1]).toBe(
      'error: not switching readers to accounts v1: the rebuild dead-lettered 1 event; replay the dead letters, ' +
        'then run "dynamo-es projections switch accounts 1"',
    );
    const built = await documents(1);
    expect(built.get(streams[0] as string)).toEqual({ owner: streams[0], balance: 70 });
    expect(built.get(poisoned)).toEqual({ owner: 'Eve', balance: 0 });
  });

  it('status shows the version, its parked stream, dead letter and lag', async () => {
    const { code, stdout } = await runCli(['projections', 'status'], env);
    expect(code).toBe(0);
    const output = lines(stdout);
    expect(output[0]).toBe(
      'PROJECTION  VERSION  STATUS  READERS  STREAMS  APPLIED  BEHIND  PARKED  FAILING  DEAD LETTERS  LAST CHECKPOINT',
    );
    expect(cells(output[1])).toEqual([
      'accounts',
      '1',
      'ready',
      '-',
      '6',
      '16',
      '2',
      '1',
      '0',
      '1',
      expect.any(String),
    ]);
    expect(output.slice(2, 4)).toEqual(['', 'Streams needing attention:']);
    expect(cells(output[4])).toEqual([
      'PROJECTION',
      'VERSION',
      'STREAM',
      'CHECKPOINT',
      'HEAD',
      'BEHIND',
      'STATE',
      'LAST ERROR',
    ]);
    expect(cells(output[5])).toEqual(['accounts', '1', poisoned, '1', '3', '2', 'parked at 2 (dead letter)']);
    expect(output.slice(6)).toEqual([
      '',
      'BEHIND: events after the checkpoints of the streams each version has seen (an upper bound: a stream',
      'whose events change no document is checkpointed every 100 events).',
    ]);
  });

  it('status --json gives the same report to scripts', async () => {
    const { code, stdout } = await runCli(['projections', 'status', '--json', '--streams'], env);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.projections).toEqual([
      expect.objectContaining({
        projection: 'accounts',
        version: 1,
        status: 'ready',
        active: false,
        streams: 6,
        eventsApplied: 16,
        parked: 1,
        failing: 0,
        deadLetters: { open: 1, replayed: 0 },
        behind: { events: 2, streams: 1 },
      }),
    ]);
    expect(report.streams).toHaveLength(6);
    expect(report.streams).toContainEqual(
      expect.objectContaining({ streamId: poisoned, version: 1, parkedAt: 2, head: 3, behind: 2 }),
    );
  });

  it('dead-letters list shows the event the projection gave up on', async () => {
    const { code, stdout } = await runCli(['dead-letters', 'list'], env);
    expect(code).toBe(0);
    expect(lines(stdout)).toEqual([
      expect.stringMatching(
        /^PROJECTION {2}VERSION {2}STREAM +EVENT {2}TYPE +ATTEMPTS {2}FAILED AT +STATUS {2}POLICY +ERROR$/,
      ),
      expect.stringMatching(
        new RegExp(
          `^accounts {10}1  ${poisoned} +2  MoneyDeposited +1  \\S+Z  open    park-stream  Error: cannot deposit 666$`,
        ),
      ),
      '',
      '1 open dead letter.',
    ]);
    const json = await runCli(
      ['dead-letters', 'list', '--projection', 'accounts', '--version', '1', '--json'],
      env,
    );
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      projection: 'accounts',
      projectionVersion: 1,
      streamId: poisoned,
      version: 2,
      eventType: 'MoneyDeposited',
      error: { name: 'Error', message: 'cannot deposit 666' },
      status: 'open',
      policy: 'park-stream',
    });
  });

  it('dead-letters replay with the handler still broken fails with exit code 1; the letter stays open', async () => {
    const { code, stdout, stderr } = await runCli(['dead-letters', 'replay', '--projections', POISONED], env);
    expect(code).toBe(1);
    expect(lines(stdout)).toEqual([
      expect.stringMatching(/^RESULT {2}PROJECTION {2}VERSION {2}STREAM +EVENT {2}TYPE +ERROR$/),
      expect.stringMatching(
        new RegExp(
          `^failed  accounts {10}1  ${poisoned} +2  MoneyDeposited  Replaying event 2 of stream .* failed: cannot deposit 666$`,
        ),
      ),
      '',
      '0 dead letters replayed, 1 failed.',
    ]);
    expect(stderr).toBe(
      'error: 1 dead letter failed again and stays open; fix the handler and replay again\n',
    );
  });

  it('dead-letters replay with the fixed handler applies the parked events', async () => {
    const { code, stdout } = await runCli(['dead-letters', 'replay', '--projections', FIXED], env);
    expect(code).toBe(0);
    expect(lines(stdout)).toEqual([
      expect.stringMatching(/^RESULT +PROJECTION/),
      expect.stringMatching(new RegExp(`^replayed  accounts {10}1  ${poisoned} +2  MoneyDeposited$`)),
      '',
      '1 dead letter replayed, 0 failed.',
    ]);
    expect((await documents(1)).get(poisoned)).toEqual({ owner: 'Eve', balance: POISON_AMOUNT - 6 });
    const status = await runCli(['projections', 'status', '--json'], env);
    expect(JSON.parse(status.stdout).projections[0]).toMatchObject({
      parked: 0,
      deadLetters: { open: 0, replayed: 1 },
      behind: { events: 0, streams: 0 },
    });
    const again = await runCli(['dead-letters', 'replay', '--projections', FIXED], env);
    expect(again).toMatchObject({ code: 0, stdout: 'No open dead letters to replay.\n' });
  });

  it('rebuild --switch builds the newest version in the module and moves readers to it', async () => {
    const { code, stdout } = await runCli(
      ['projections', 'rebuild', 'accounts', '--projections', FIXED, '--switch', '--no-progress'],
      env,
    );
    expect(code).toBe(0);
    expect(lines(stdout)).toEqual([
      expect.stringMatching(
        /^Rebuilt accounts v2 in .*: 18 events .* 0 dead letters, 0 caught up after the scan\.$/,
      ),
      'Readers of accounts now read version 2.',
    ]);
    expect(await documents(2)).toEqual(await documents(1));
    const status = await runCli(['projections', 'status', '--no-lag', '--projection', 'accounts'], env);
    expect(
      lines(status.stdout)
        .slice(1)
        .map((line) => cells(line).slice(0, 10)),
    ).toEqual([
      ['accounts', '1', 'ready', '-', '6', '18', '-', '0', '0', '0'],
      ['accounts', '2', 'ready', 'active', '6', '18', '-', '0', '0', '0'],
    ]);
  });

  it('switch moves readers back; a missing version is refused', async () => {
    const back = await runCli(['projections', 'switch', 'accounts', '1'], env);
    expect(back).toEqual({ code: 0, stdout: 'Readers of accounts now read version 1.\n', stderr: '' });
    const reader = readModels().reader<Account>({ name: 'accounts', version: 1 });
    expect(await reader.version()).toBe(1);
    const missing = await runCli(['projections', 'switch', 'accounts', '9'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      'error: Version 9 of projection "accounts" is "missing"; only a finished rebuild ("ready") or a live-built version ("live") can serve readers.\n',
    );
  });
});

describe('projections commands refuse what they cannot do', () => {
  it('rebuild of a version that exists fails with the package error, without a progress bar', async () => {
    const result = await runCli(
      ['projections', 'rebuild', 'deposits', '--projections', FIXED, '--events-table', tables.events],
      {},
    );
    // deposits v1 does not exist yet: the first rebuild works, the second is refused.
    expect(result.code).toBe(0);
    const again = await runCli(['projections', 'rebuild', 'deposits', '--projections', FIXED], env);
    expect(again).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: Version 1 of projection "deposits" already exists (status "ready"); rebuild into a new version number.\n',
    });
  });

  it('rebuild names the projections a module has when the name is wrong', async () => {
    const result = await runCli(['projections', 'rebuild', 'acounts', '--projections', FIXED], env);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: no projection "acounts" in the projections module (it has: accounts v1, accounts v2, deposits v1)\n',
    });
  });

  it('rebuild needs --projections, a module that exists and exports projections', async () => {
    const missingFlag = await runCli(['projections', 'rebuild', 'accounts'], env);
    expect(missingFlag).toMatchObject({
      code: 2,
      stderr: "error: required option '--projections <module>' not specified\n",
    });
    const missingFile = await runCli(
      ['projections', 'rebuild', 'accounts', '--projections', './nope.ts'],
      env,
    );
    expect(missingFile.code).toBe(1);
    expect(missingFile.stderr).toMatch(
      /^error: projections module \.\/nope\.ts: no such file \(.*nope\.ts\)\n$/,
    );
    const empty = await runCli(
      ['projections', 'rebuild', 'accounts', '--projections', 'test/fixtures/no-projections.ts'],
      env,
    );
    expect(empty).toMatchObject({
      code: 1,
      stderr:
        'error: projections module test/fixtures/no-projections.ts: it exports no projection; export the values defineProjection() returns (or an array of them)\n',
    });
  });

  it('status and dead-letters name a missing read-model table; --version needs --projection', async () => {
    const status = await runCli(['projections', 'status', '--read-model-table', 'no-such-read-models'], env);
    expect(status).toMatchObject({
      code: 1,
      stderr:
        'error: the read-models table "no-such-read-models" does not exist; create it with "dynamo-es tables create read-models" or name another one\n',
    });
    const list = await runCli(['dead-letters', 'list', '--version', '2'], env);
    expect(list).toMatchObject({ code: 2, stderr: 'error: --version needs --projection\n' });
  });
});
