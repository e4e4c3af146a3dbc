import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { silentLogger } from '@dynamo-es/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import {
  claimCheckKey,
  definePublication,
  isClaimCheckError,
  isMessageTooLargeError,
  kinesisSink,
  type MessageEnvelope,
  Publisher,
  parseEnvelope,
  resolveClaimCheck,
  s3ClaimCheck,
} from '../src/index.js';
import { appendAll, type BankEvent, createBank, note, recordsOf } from './support/bank.js';
import { createDataStream, readDataStream, startKinesalite } from './support/kinesalite.js';
import { createBucket, s3Client, startS3rver } from './support/s3rver.js';

const client = testClient();
let kinesis: Awaited<ReturnType<typeof startKinesalite>>;
let s3: Awaited<ReturnType<typeof startS3rver>>;
let bank: Awaited<ReturnType<typeof createBank>>;

beforeAll(async () => {
  [kinesis, s3, bank] = await Promise.all([startKinesalite(), startS3rver(), createBank(client)]);
});
afterAll(async () => {
  await Promise.all([kinesis?.stop(), s3?.stop()]);
});

const MIB = 1024 * 1024;

/** Notes are published with their text repeated to `bytes`: over Kinesis's 1 MiB record when large. */
const notes = (bytes: (streamId: string) => number) =>
  definePublication<BankEvent>({
    name: uniqueId('notes'),
    messages: {
      NoteAdded: (event) => ({
        type: 'bank.Note',
        version: 1,
        data: { text: event.data.text.repeat(bytes(event.streamId) / event.data.text.length) },
      }),
    },
  });

async function setup(options: { claimCheck: boolean; s3Endpoint?: string }) {
  const streamName = await createDataStream(kinesis.client);
  const bucket = await createBucket(s3.client);
  const store = options.claimCheck
    ? {
        claimCheck: s3ClaimCheck({
          client: options.s3Endpoint ? s3Client(options.s3Endpoint) : s3.client,
          bucket,
        }),
      }
    : {};
  const publisher = new Publisher({
    client,
    eventStore: bank.store,
    tableName: bank.readModelTable,
    sink: kinesisSink({ client: kinesis.client, streamName }),
    sinkRetry: { maxAttempts: 2, baseMs: 0, capMs: 0 },
    logger: silentLogger,
    ...store,
  });
  const read = async () =>
    (await readDataStream(kinesis.client, streamName)).map((r) => parseEnvelope(r.data));
  return { publisher, bucket, read };
}

describe('claim check (S3 on s3rver)', () => {
  it('stores a message over the sink limit in S3 under a key from its event id; the message carries the reference; a consumer resolves it', async () => {
    const a = uniqueId('account');
    await appendAll(bank.store, a, [note('abcd'), note('small')]);
    const { publisher, bucket, read } = await setup({ claimCheck: true });
    const publication = notes((streamId) => (streamId === a ? 1.5 * MIB : 0));
    const records = await recordsOf(client, bank.eventsTable, [a]);
    await publisher.streamHandler(publication)({ Records: records.slice(0, 1) });

    const [message, ...more] = await read();
    expect(more).toEqual([]);
    const [event] = (await bank.store.readStream(a)).events;
    expect(message).toMatchObject({ id: event?.eventId, type: 'bank.Note', streamVersion: 1 });
    expect(message).not.toHaveProperty('data');
    expect(message?.claimCheck).toEqual({
      bucket,
      key: claimCheckKey('dynamo-es/claim-checks/', { source: publication.name, id: event!.eventId }),
      bytes: expect.any(Number),
    });
    expect(message!.claimCheck!.bytes).toBeGreaterThan(1.5 * MIB);
    const full = await resolveClaimCheck(message!, { client: s3.client });
    expect(full.data).toEqual({ text: 'abcd'.repeat((1.5 * MIB) / 4) });
    expect({ ...full, data: undefined }).toEqual({ ...message, claimCheck: undefined, data: undefined });
    // A message within the limit goes as it is.
    expect(
      await resolveClaimCheck({ ...message!, claimCheck: undefined, data: 1 } as MessageEnvelope, {
        client: s3.client,
      }),
    ).toMatchObject({ data: 1 });
  });

  it('is idempotent: a message sent again writes the same object again, never a second one', async () => {
    const a = uniqueId('account');
    await appendAll(bank.store, a, [note('abcd')]);
    const { publisher, bucket, read } = await setup({ claimCheck: true });
    const records = await recordsOf(client, bank.eventsTable, [a]);
    const size = () => 1.2 * MIB;
    // Two publications of the same name and version share checkpoints; a new version starts again.
    const name = uniqueId('notes');
    const v1 = definePublication<BankEvent>({
      name,
      messages: {
        NoteAdded: (e) => ({ type: 'bank.Note', version: 1, data: e.data.text.repeat(size() / 4) }),
      },
    });
    const v2 = definePublication<BankEvent>({
      ...{ name, version: 2 },
      messages: {
        NoteAdded: (e) => ({ type: 'bank.Note', version: 1, data: e.data.text.repeat(size() / 4) }),
      },
    });
    await publisher.streamHandler(v1)({ Records: records });
    await publisher.streamHandler(v2)({ Records: records });
    const messages = await read();
    expect(messages.map((m) => m.id)).toEqual([messages[0]?.id, messages[0]?.id]);
    expect(messages[1]?.claimCheck).toEqual(messages[0]?.claimCheck);
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.KeyCount).toBe(1);
  });

  it('without a claim check, a message over the limit is a poison event: dead-lettered, its stream parked', async () => {
    const a = uniqueId('account');
    await appendAll(bank.store, a, [note('abcd'), note('next')]);
    const { publisher, read } = await setup({ claimCheck: false });
    const publication = notes(() => 1.2 * MIB);
    const records = await recordsOf(client, bank.eventsTable, [a]);
    expect(await publisher.streamHandler(publication, { maxAttempts: 1 })({ Records: records })).toEqual({
      batchItemFailures: [],
    });
    expect(await read()).toEqual([]);
    const [letter] = await publisher.deadLetters.list(publication);
    expect(letter).toMatchObject({ streamId: a, version: 1, error: { name: 'MessageTooLargeError' } });
    expect(letter?.error.message).toMatch(
      /over the 1048576 bytes kinesis:.* takes per entry; give the publisher a claimCheck/,
    );
  });

  it('a claim check that cannot be stored holds the stream back (delivered again, no attempt counted), sends nothing after it', async () => {
    const a = uniqueId('account');
    await appendAll(bank.store, a, [note('abcd'), note('next')]);
    const { publisher, read } = await setup({ claimCheck: true, s3Endpoint: 'http://127.0.0.1:9' });
    const publication = notes(() => 1.2 * MIB);
    const records = await recordsOf(client, bank.eventsTable, [a]);
    const response = await publisher.streamHandler(publication, { maxAttempts: 1 })({ Records: records });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[0]!.dynamodb!.SequenceNumber }]);
    expect(await read()).toEqual([]);
    expect(await publisher.deadLetters.list(publication)).toEqual([]);
  });

  it('a consumer refuses an object that holds another message, with a typed error', async () => {
    const bucket = await createBucket(s3.client);
    const other = {
      id: 'other',
      type: 't',
      version: 1,
      source: 's',
      streamId: 'a',
      streamVersion: 1,
      previousVersion: 0,
      time: 't',
      data: 1,
    };
    await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: JSON.stringify(other) }));
    const reference = { ...other, id: 'mine', data: undefined, claimCheck: { bucket, key: 'k', bytes: 1 } };
    await expect(resolveClaimCheck(reference, { client: s3.client })).rejects.toSatisfy(isClaimCheckError);
    await expect(
      resolveClaimCheck(
        { ...reference, claimCheck: { bucket, key: 'missing', bytes: 1 } },
        { client: s3.client },
      ),
    ).rejects.toThrow(/GetObject failed/);
    expect(isMessageTooLargeError(undefined)).toBe(false);
  });
});
