import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { silentLogger } from '@dynamo-es/event-store';
import { StreamRunner } from '@dynamo-es/stream-runner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { countRequests } from '../../../test/support/request-counter.js';
import { deliverLikeLambda } from '../../projections/test/support/lambda.js';
import { kinesisSink, type MessageEnvelope, Publisher } from '../src/index.js';
import {
  appendAll,
  type BankEvent,
  bankPublication,
  createBank,
  deposit,
  note,
  opened,
  recordsOf,
} from './support/bank.js';
import { createDataStream, kinesisClient, readDataStream, startKinesalite } from './support/kinesalite.js';
import { injectPutRecordsFaults } from './support/kinesis-faults.js';

const client = testClient();
let kinesis: Awaited<ReturnType<typeof startKinesalite>>;
let bank: Awaited<ReturnType<typeof createBank>>;

beforeAll(async () => {
  [kinesis, bank] = await Promise.all([startKinesalite(), createBank(client)]);
});
afterAll(async () => {
  await kinesis?.stop();
});

const FAST_RETRY = { maxAttempts: 3, baseMs: 1, capMs: 5 };

function publisherOn(streamName: string, sinkClient: KinesisClient = kinesis.client) {
  return new Publisher({
    client,
    eventStore: bank.store,
    tableName: bank.readModelTable,
    sink: kinesisSink({ client: sinkClient, streamName }),
    sinkRetry: FAST_RETRY,
    logger: silentLogger,
  });
}

const envelopes = async (streamName: string) =>
  (await readDataStream(kinesis.client, streamName)).map((record) => ({
    partitionKey: record.partitionKey,
    envelope: JSON.parse(record.data) as MessageEnvelope,
  }));

/** `streamId:version` of each published message, in the order read (per shard). */
const published = async (streamName: string) =>
  (await envelopes(streamName)).map(({ envelope }) => `${envelope.streamId}:${envelope.streamVersion}`);

describe('publishing to Kinesis (kinesalite)', () => {
  it('publishes the selected events of each stream in version order, keyed by stream id, with the event id as message id', async () => {
    const [a, b] = [uniqueId('account'), uniqueId('account')];
    await appendAll(bank.store, a, [opened('Ada'), deposit(10), note('internal'), deposit(5)]);
    await appendAll(bank.store, b, [opened('Bob'), note('x'), deposit(7)]);
    const streamName = await createDataStream(kinesis.client, 2);
    const handler = publisherOn(streamName).streamHandler(bankPublication());
    const records = await recordsOf(client, bank.eventsTable, [a, b]);

    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });

    const read = await envelopes(streamName);
    const stored = [...(await bank.store.readStream(a)).events, ...(await bank.store.readStream(b)).events];
    const selected = stored.filter((event) => event.type !== 'NoteAdded');
    expect(read).toHaveLength(selected.length);
    for (const streamId of [a, b]) {
      const ofStream = read.filter(({ envelope }) => envelope.streamId === streamId);
      expect(ofStream.map(({ partitionKey }) => partitionKey)).toEqual(ofStream.map(() => streamId));
      expect(ofStream.map(({ envelope }) => envelope.id)).toEqual(
        selected.filter((event) => event.streamId === streamId).map((event) => event.eventId),
      );
    }
    // Each message names the previous message of its stream (the note is not published).
    const chainOfA = read
      .filter(({ envelope }) => envelope.streamId === a)
      .map(({ envelope }) => [envelope.previousVersion, envelope.streamVersion]);
    expect(chainOfA).toEqual([
      [0, 1],
      [1, 2],
      [2, 4],
    ]);
    const first = read.find(
      ({ envelope }) => envelope.streamId === a && envelope.streamVersion === 2,
    )?.envelope;
    expect(first).toMatchObject({
      type: 'bank.MoneyDeposited',
      version: 1,
      data: { accountId: a, amount: 10 },
    });
    expect(first?.source).toMatch(/^bank-public-/);
  });

  it('writes no checkpoint for streams with none of its events in a batch, and publishes their later ones in order', async () => {
    const streams = Array.from({ length: 20 }, () => uniqueId('quiet'));
    for (const streamId of streams) await appendAll(bank.store, streamId, [note('a'), note('b')]);
    const streamName = await createDataStream(kinesis.client);
    const handler = publisherOn(streamName).streamHandler(bankPublication());
    const quiet = await recordsOf(client, bank.eventsTable, streams);
    const requests = countRequests(client);
    expect(await handler({ Records: quiet })).toEqual({ batchItemFailures: [] });
    // Checkpoints read in one request; none written: nothing of the publication's was in the batch.
    expect(requests.byCommand()).toEqual({ BatchGetItemCommand: 1 });
    requests.remove();
    // Later, selected events of five of them: the unselected versions before are read again
    // (the gap), gone past, and each stream's message names its true predecessor (none).
    const loud = streams.slice(0, 5);
    for (const streamId of loud) await appendAll(bank.store, streamId, [deposit(3)]);
    const later = (await recordsOf(client, bank.eventsTable, loud)).filter(
      (record) => record.dynamodb?.NewImage?.t?.S === 'MoneyDeposited',
    );
    expect(await handler({ Records: later })).toEqual({ batchItemFailures: [] });
    expect((await published(streamName)).sort()).toEqual(loud.map((streamId) => `${streamId}:3`).sort());
    const chains = (await envelopes(streamName)).map(({ envelope }) => envelope.previousVersion);
    expect(chains).toEqual(loud.map(() => 0));
    // Delivered again: nothing re-sent.
    expect(await handler({ Records: later })).toEqual({ batchItemFailures: [] });
    expect(await published(streamName)).toHaveLength(5);
  });

  it('re-sends nothing the sink accepted when Lambda delivers the same batch again', async () => {
    const a = uniqueId('account');
    await appendAll(bank.store, a, [opened('Ada'), deposit(1), deposit(2)]);
    const streamName = await createDataStream(kinesis.client);
    const handler = publisherOn(streamName).streamHandler(bankPublication());
    const records = await recordsOf(client, bank.eventsTable, [a]);
    await handler({ Records: records });
    await handler({ Records: records });
    await handler({ Records: [records[2]!, records[0]!] });
    expect(await published(streamName)).toEqual([`${a}:1`, `${a}:2`, `${a}:3`]);
  });

  it('fills a gap in the delivery from the event store before sending anything later', async () => {
    const a = uniqueId('account');
    await appendAll(bank.store, a, [opened('Ada'), deposit(1), deposit(2)]);
    const streamName = await createDataStream(kinesis.client);
    const handler = publisherOn(streamName).streamHandler(bankPublication());
    const records = await recordsOf(client, bank.eventsTable, [a]);
    await handler({ Records: [records[2]!] });
    expect(await published(streamName)).toEqual([`${a}:1`, `${a}:2`, `${a}:3`]);
  });

  it('reports a stream whose records keep failing for redelivery from the first one not accepted, sends none of its later events, and lets other streams go on', async () => {
    const [a, b] = [uniqueId('account'), uniqueId('account')];
    await appendAll(bank.store, a, [opened('Ada'), deposit(1), deposit(2)]);
    await appendAll(bank.store, b, [opened('Bob'), deposit(3)]);
    const streamName = await createDataStream(kinesis.client);
    const faulty = await kinesisClient(kinesis.endpoint);
    let rejectA = true;
    let sendsOfA = 0;
    injectPutRecordsFaults(faulty, (entries) => {
      const reject = new Set<number>();
      entries.forEach((entry, index) => {
        const data = JSON.parse(Buffer.from(entry.Data ?? []).toString('utf8')) as MessageEnvelope;
        if (data.streamId !== a || data.streamVersion !== 2) return;
        sendsOfA++;
        if (rejectA) reject.add(index);
      });
      return { reject };
    });
    const handler = publisherOn(streamName, faulty).streamHandler(bankPublication());
    const records = await recordsOf(client, bank.eventsTable, [a, b]);

    const response = await handler({ Records: records });

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }]);
    expect(sendsOfA).toBe(FAST_RETRY.maxAttempts);
    expect((await published(streamName)).sort()).toEqual([`${a}:1`, `${b}:1`, `${b}:2`].sort());

    rejectA = false;
    expect(await handler({ Records: records.slice(1) })).toEqual({ batchItemFailures: [] });
    expect(await published(streamName)).toEqual(
      expect.arrayContaining([`${a}:1`, `${a}:2`, `${a}:3`, `${b}:1`, `${b}:2`]),
    );
    const ofA = (await published(streamName)).filter((id) => id.startsWith(a));
    expect(ofA).toEqual([`${a}:1`, `${a}:2`, `${a}:3`]);
    expect(await published(streamName)).toHaveLength(5);
    faulty.destroy();
  });

  it('dead-letters a poison mapping and parks its stream; a replay with the mapping fixed publishes it and the rest in order', async () => {
    const [a, b] = [uniqueId('account'), uniqueId('account')];
    await appendAll(bank.store, a, [opened('Ada'), deposit(1), deposit(2)]);
    await appendAll(bank.store, b, [opened('Bob'), deposit(3)]);
    const streamName = await createDataStream(kinesis.client);
    let broken = true;
    const publication = bankPublication({
      fault: (event) => {
        if (broken && event.streamId === a && event.version === 2) throw new Error('mapping bug');
      },
    });
    const publisher = publisherOn(streamName);
    const handler = publisher.streamHandler(publication, { maxAttempts: 2 });
    const records = await recordsOf(client, bank.eventsTable, [a, b]);

    await deliverLikeLambda(handler, records, { batchSize: 10 });

    expect((await published(streamName)).sort()).toEqual([`${a}:1`, `${b}:1`, `${b}:2`].sort());
    const [letter, ...others] = await publisher.deadLetters.list(publication);
    expect(others).toEqual([]);
    expect(letter).toMatchObject({
      streamId: a,
      version: 2,
      eventType: 'MoneyDeposited',
      attempts: 2,
      policy: 'park-stream',
    });
    expect(letter?.error.message).toBe('mapping bug');

    // Parked: a later event of the stream is not published before the poison one.
    await appendAll(bank.store, a, [deposit(4)]);
    const later = (await recordsOf(client, bank.eventsTable, [a])).slice(3);
    expect(await handler({ Records: later })).toEqual({ batchItemFailures: [] });
    expect((await published(streamName)).filter((id) => id.startsWith(a))).toEqual([`${a}:1`]);

    broken = false;
    const replay = await publisher.deadLetters.replay(publication);
    expect(replay.failed).toEqual([]);
    expect(replay.replayed.map((l) => l.version)).toEqual([2]);
    expect((await published(streamName)).filter((id) => id.startsWith(a))).toEqual([
      `${a}:1`,
      `${a}:2`,
      `${a}:3`,
      `${a}:4`,
    ]);
    expect(await publisher.deadLetters.list(publication)).toEqual([]);
    expect(await handler({ Records: later })).toEqual({ batchItemFailures: [] });
    expect(await published(streamName)).toHaveLength(6);
  });

  it("'skip-event': a poison event is dead-lettered and its stream goes on; a replay publishes just that event, once", async () => {
    const a = uniqueId('account');
    await appendAll(bank.store, a, [opened('Ada'), deposit(1), deposit(2)]);
    const streamName = await createDataStream(kinesis.client);
    let broken = true;
    const publication = bankPublication({
      onPoisonEvent: 'skip-event',
      fault: (event) => {
        if (broken && event.version === 2) throw new Error('mapping bug');
      },
    });
    const publisher = publisherOn(streamName);
    const handler = publisher.streamHandler(publication, { maxAttempts: 1 });
    expect(await handler({ Records: await recordsOf(client, bank.eventsTable, [a]) })).toEqual({
      batchItemFailures: [],
    });
    expect(await published(streamName)).toEqual([`${a}:1`, `${a}:3`]);
    const [letter] = await publisher.deadLetters.list(publication);
    expect(letter).toMatchObject({ version: 2, policy: 'skip-event', status: 'open' });

    broken = false;
    expect((await publisher.deadLetters.replay(publication)).replayed).toHaveLength(1);
    expect((await publisher.deadLetters.replay(publication)).replayed).toHaveLength(0);
    expect(await published(streamName)).toEqual([`${a}:1`, `${a}:3`, `${a}:2`]);
    expect(await publisher.deadLetters.list(publication, { status: 'replayed' })).toMatchObject([
      { version: 2 },
    ]);
  });

  it('runs under the StreamRunner like under Lambda', async () => {
    const a = uniqueId('account');
    const streamName = await createDataStream(kinesis.client);
    const handler = publisherOn(streamName).streamHandler(bankPublication());
    await appendAll(bank.store, a, [opened('Ada'), deposit(1), note('n'), deposit(2)]);
    const runner = new StreamRunner({
      client,
      tableName: bank.eventsTable,
      handler,
      logger: silentLogger,
      pollIntervalMs: 50,
    });
    await runner.start();
    try {
      await runner.waitForCaughtUp({ timeoutMs: 30_000 });
    } finally {
      await runner.stop();
    }
    const ofA = (await published(streamName)).filter((id) => id.startsWith(a));
    expect(ofA).toEqual([`${a}:1`, `${a}:2`, `${a}:4`]);
  });
});

export type { BankEvent };
