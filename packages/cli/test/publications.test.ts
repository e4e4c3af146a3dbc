import { EventStore } from '@dynamo-es/event-store';
import {
  createKinesisClient,
  createKinesisStream,
  type Kinesalite,
  startKinesalite,
} from '@dynamo-es/local/kinesis';
import { kinesisSink, Publisher } from '@dynamo-es/publisher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { eventItems, toStreamRecord } from '../../projections/test/support/stream-records.js';
import { readDataStream } from '../../publisher/test/support/kinesalite.js';
import { POISON_AMOUNT } from './fixtures/bank.js';
import { depositsPublication } from './fixtures/publication.js';
import { cells, lines, runCli } from './support/cli.js';
import { createTables } from './support/tables.js';

// A publication whose mapping threw on one event: dead-lettered, its stream parked. The CLI lists
// the letter, refuses to replay it with the mapping still broken, and replays it with the fixed
// one through the module's sink (Kinesis on kinesalite), publishing the parked stream in order.
const FIXED = 'test/fixtures/publication.ts';
const POISONED = 'test/fixtures/poisoned-publication.ts';
const NO_SINK = 'test/fixtures/no-sink-publication.ts';
const client = testClient();
let kinesalite: Kinesalite;
let env: Record<string, string>;
let streamName: string;
const account = uniqueId('account');

const published = async () =>
  (await readDataStream(await createKinesisClient(kinesalite.endpoint), streamName)).map(
    (record) => JSON.parse(record.data) as { streamVersion: number; data: { amount: number } },
  );

beforeAll(async () => {
  kinesalite = await startKinesalite();
  const kinesis = await createKinesisClient(kinesalite.endpoint);
  streamName = uniqueId('cli-messages');
  const [tables] = await Promise.all([createTables(), createKinesisStream(kinesis, streamName)]);
  env = {
    DYNAMO_ES_EVENTS_TABLE: tables.events,
    DYNAMO_ES_TEST_KINESIS_ENDPOINT: kinesalite.endpoint,
    DYNAMO_ES_TEST_KINESIS_STREAM: streamName,
  };
  const eventStore = new EventStore({ client, tableName: tables.events });
  await eventStore.append(
    account,
    [
      { type: 'AccountOpened', data: { owner: 'Eve' } },
      { type: 'MoneyDeposited', data: { amount: 5 } },
      { type: 'MoneyDeposited', data: { amount: POISON_AMOUNT } },
      { type: 'MoneyDeposited', data: { amount: 7 } },
    ],
    { expectedVersion: 'no-stream' },
  );
  const publisher = new Publisher({
    client,
    eventStore,
    tableName: tables.readModels,
    sink: kinesisSink({ client: kinesis, streamName }),
  });
  const records = (await eventItems(client, tables.events, [account])).map((item) =>
    toStreamRecord(item, tables.events),
  );
  await publisher.streamHandler(depositsPublication({ poisoned: true }), { maxAttempts: 1 })({
    Records: records,
  });
  kinesis.destroy();
});
afterAll(async () => {
  await kinesalite?.stop();
});

describe('dead letters of a publication', () => {
  it('the poison event is dead-lettered and its stream parked: only the deposit before it was published', async () => {
    expect((await published()).map((m) => m.streamVersion)).toEqual([2]);
    const { code, stdout } = await runCli(
      ['dead-letters', 'list', '--projection', 'pub.deposits-public', '--version', '1'],
      env,
    );
    expect(code).toBe(0);
    expect(cells(lines(stdout)[1])).toEqual(
      expect.arrayContaining(['pub.deposits-public', account, '3', 'MoneyDeposited', 'open', 'park-stream']),
    );
  });

  it('replay with the mapping still broken exits 1; the letter stays open and nothing more is published', async () => {
    const { code, stdout, stderr } = await runCli(
      ['dead-letters', 'replay', '--publication', 'deposits-public', '--publications', POISONED],
      env,
    );
    expect(code).toBe(1);
    expect(cells(lines(stdout)[1]).slice(0, 6)).toEqual([
      'failed',
      'pub.deposits-public',
      '1',
      account,
      '3',
      'MoneyDeposited',
    ]);
    expect(stderr).toBe(
      'error: 1 dead letter failed again and stays open; fix the handler and replay again\n',
    );
    expect((await published()).map((m) => m.streamVersion)).toEqual([2]);
  });

  it('replay with the fixed mapping publishes the parked event and the rest of its stream, in order, once', async () => {
    const { code, stdout } = await runCli(
      ['dead-letters', 'replay', '--publication', 'deposits-public', '--publications', FIXED],
      env,
    );
    expect(code).toBe(0);
    expect(lines(stdout).slice(-1)).toEqual(['1 dead letter replayed, 0 failed.']);
    expect((await published()).map((m) => [m.streamVersion, m.data.amount])).toEqual([
      [2, 5],
      [3, POISON_AMOUNT],
      [4, 7],
    ]);
    const again = await runCli(
      ['dead-letters', 'replay', '--publication', 'deposits-public', '--publications', FIXED],
      env,
    );
    expect(again.stdout).toBe('No open dead letters to replay.\n');
    expect((await published()).length).toBe(3);
  });

  it('refuses bad input with what to do, before writing anything', async () => {
    const before = (await published()).length;
    const cases: [string[], RegExp][] = [
      [['--publication', 'deposits-public'], /give both --publication <name> and --publications <module>/],
      [['--publications', FIXED], /give both --publication <name> and --publications <module>/],
      [
        ['--publication', 'nope', '--publications', FIXED],
        /it has no publication "nope" \(it has: deposits-public\)/,
      ],
      [['--publication', 'deposits-public', '--publications', NO_SINK], /it exports no `sink`/],
      [['--publication', 'deposits-public', '--publications', 'test/fixtures/missing.ts'], /no such file/],
      [
        ['--publication', 'deposits-public', '--publications', FIXED, '--projections', FIXED],
        /cannot be used with/,
      ],
      [
        ['--publication', 'deposits-public', '--publications', FIXED, '--version', '1'],
        /cannot be used with/,
      ],
      [[], /give --projections <module> to replay projections' dead letters, or --publication/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await runCli(['dead-letters', 'replay', ...args], env);
      expect({ args, code: code > 0, stderr }).toEqual({
        args,
        code: true,
        stderr: expect.stringMatching(message),
      });
    }
    expect((await published()).length).toBe(before);
  });
});
