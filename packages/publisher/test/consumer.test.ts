import { createReadModelTable, defineProjection, ReadModels } from '@dynamo-es/projections';
import type { KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { type ConsumeStats, kinesisSink, MessageConsumer, Publisher } from '../src/index.js';
import { appendAll, bankPublication, createBank, deposit, note, opened, recordsOf } from './support/bank.js';
import { createDataStream, readDataStream, startKinesalite } from './support/kinesalite.js';

// Service 2: its own read-model table, built from service 1's messages (published for real through
// kinesalite; delivered to the consumer's handlers as Lambda would, with duplicates and reordering).
const client = testClient();
let kinesis: Awaited<ReturnType<typeof startKinesalite>>;
let bank: Awaited<ReturnType<typeof createBank>>;
let serviceTable: string;

beforeAll(async () => {
  serviceTable = uniqueId('fraud-watch');
  [kinesis, bank] = await Promise.all([
    startKinesalite(),
    createBank(client),
    createReadModelTable(client, { tableName: serviceTable }),
  ]);
});
afterAll(async () => {
  await kinesis?.stop();
});

type BankMessage =
  | { readonly type: 'bank.AccountOpened'; readonly data: { readonly accountId: string } }
  | {
      readonly type: 'bank.MoneyDeposited';
      readonly data: { readonly accountId: string; readonly amount: number };
    };
interface Balance {
  readonly total: number;
  /** Source stream versions applied, in order: a duplicate or a reordering shows at once. */
  readonly versions: number[];
}

function balances(options: { fail?: (version: number) => boolean } = {}) {
  return defineProjection<BankMessage, Balance>({
    name: uniqueId('balances'),
    handlers: {
      'bank.AccountOpened': (event, ctx) =>
        ctx.put(event.data.accountId, { total: 0, versions: [event.version] }),
      'bank.MoneyDeposited': async (event, ctx) => {
        if (options.fail?.(event.version)) throw new Error('handler bug');
        await ctx.update(event.data.accountId, (b) => ({
          total: (b?.total ?? 0) + event.data.amount,
          versions: [...(b?.versions ?? []), event.version],
        }));
      },
    },
  });
}

/** Publishes an account's history for real and returns the message bodies as kinesalite holds them. */
async function publishedBodies(history: Parameters<typeof appendAll>[2]) {
  const account = uniqueId('account');
  await appendAll(bank.store, account, history);
  const streamName = await createDataStream(kinesis.client);
  const publisher = new Publisher({
    client,
    eventStore: bank.store,
    tableName: bank.readModelTable,
    sink: kinesisSink({ client: kinesis.client, streamName }),
  });
  await publisher.streamHandler(bankPublication())({
    Records: await recordsOf(client, bank.eventsTable, [account]),
  });
  return { account, bodies: (await readDataStream(kinesis.client, streamName)).map((record) => record.data) };
}

const sqsEvent = (bodies: readonly string[]): SQSEvent => ({
  Records: bodies.map(
    (body, index) => ({ messageId: `m-${index}-${Math.random()}`, body }) as SQSEvent['Records'][number],
  ),
});

const readerOf = (projection: ReturnType<typeof balances>) =>
  new ReadModels({ client, eventStore: bank.store, tableName: serviceTable }).reader<Balance>(projection);

describe('the consumer side (service 2)', () => {
  it('Kinesis: builds an exact read model from the messages, suppressing duplicates by message id', async () => {
    const { account, bodies } = await publishedBodies([opened('Ada'), deposit(10), note('n'), deposit(5)]);
    const projection = balances();
    const stats: ConsumeStats[] = [];
    const consumer = new MessageConsumer({
      client,
      tableName: serviceTable,
      projections: [projection],
      onConsumed: (s) => stats.push(s),
    });
    const event: KinesisStreamEvent = {
      Records: [...bodies, ...bodies].map(
        (body, index) =>
          ({
            kinesis: { sequenceNumber: String(index + 1), data: Buffer.from(body).toString('base64') },
          }) as never,
      ),
    };
    expect(await consumer.kinesisHandler()(event)).toEqual({ batchItemFailures: [] });
    expect(await consumer.kinesisHandler()(event)).toEqual({ batchItemFailures: [] });
    expect(await readerOf(projection).get(account)).toEqual({ total: 15, versions: [1, 2, 4] });
    expect(stats.map(({ applied, duplicates, failed }) => ({ applied, duplicates, failed }))).toEqual([
      { applied: 3, duplicates: 3, failed: 0 },
      { applied: 0, duplicates: 6, failed: 0 },
    ]);
  });

  it('SQS: a message ahead of its predecessor waits (reported failed) and is applied in order once the predecessor came', async () => {
    const { account, bodies } = await publishedBodies([opened('Ada'), deposit(1), deposit(2), deposit(3)]);
    const projection = balances();
    const handler = new MessageConsumer({
      client,
      tableName: serviceTable,
      projections: [projection],
    }).sqsHandler();
    const late = sqsEvent([bodies[3]!, bodies[2]!]);
    expect((await handler(late)).batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      late.Records.map((r) => r.messageId).sort(),
    );
    expect(await handler(sqsEvent([bodies[0]!]))).toEqual({ batchItemFailures: [] });
    expect(await handler(sqsEvent([bodies[2]!, bodies[1]!, bodies[3]!]))).toEqual({ batchItemFailures: [] });
    expect(await readerOf(projection).get(account)).toEqual({ total: 6, versions: [1, 2, 3, 4] });
  });

  it('SQS from an SNS subscription (no raw delivery): the notification is unwrapped; an unreadable body fails alone', async () => {
    const { account, bodies } = await publishedBodies([opened('Ada'), deposit(7)]);
    const projection = balances();
    const handler = new MessageConsumer({
      client,
      tableName: serviceTable,
      projections: [projection],
    }).sqsHandler();
    const wrapped = bodies.map((Message) =>
      JSON.stringify({ Type: 'Notification', MessageId: 'x', TopicArn: 'arn:aws:sns:x:1:t', Message }),
    );
    const event = sqsEvent([...wrapped, 'not a message']);
    expect(await handler(event)).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[2]!.messageId }],
    });
    expect(await readerOf(projection).get(account)).toEqual({ total: 7, versions: [1, 2] });
  });

  it('SNS: throws for Lambda to retry while a message waits for its predecessor; applies it once it can', async () => {
    const { account, bodies } = await publishedBodies([opened('Ada'), deposit(4)]);
    const projection = balances();
    const handler = new MessageConsumer({
      client,
      tableName: serviceTable,
      projections: [projection],
    }).snsHandler();
    const sns = (body: string) =>
      ({ Records: [{ Sns: { MessageId: uniqueId('sns'), Message: body } }] }) as never;
    await expect(handler(sns(bodies[1]!))).rejects.toThrow(/1 of 1 messages must be delivered again/);
    await handler(sns(bodies[0]!));
    await handler(sns(bodies[1]!));
    await handler(sns(bodies[1]!));
    expect(await readerOf(projection).get(account)).toEqual({ total: 4, versions: [1, 2] });
  });

  it('a failing handler is retried, then dead-lettered with its stream parked like any projection; the messages stay in the transport', async () => {
    const { account, bodies } = await publishedBodies([opened('Ada'), deposit(4), deposit(5)]);
    const projection = balances({ fail: (version) => version === 2 });
    const handler = new MessageConsumer({
      client,
      tableName: serviceTable,
      projections: [projection],
      maxAttempts: 2,
    }).sqsHandler();
    const event = sqsEvent(bodies);
    const failedIds = (response: Awaited<ReturnType<typeof handler>>) =>
      response.batchItemFailures.map((f) => f.itemIdentifier);
    expect(failedIds(await handler(event))).toEqual([
      event.Records[1]!.messageId,
      event.Records[2]!.messageId,
    ]);
    expect(failedIds(await handler(event))).toEqual([
      event.Records[1]!.messageId,
      event.Records[2]!.messageId,
    ]);
    const readModels = new ReadModels({ client, eventStore: bank.store, tableName: serviceTable });
    const [letter] = await readModels.deadLetters.list(projection);
    expect(letter).toMatchObject({
      streamId: expect.stringContaining(account),
      version: 2,
      eventType: 'bank.MoneyDeposited',
      attempts: 2,
    });
    expect(await readerOf(projection).get(account)).toEqual({ total: 0, versions: [1] });
  });

  it('streams of one batch that change the same document are applied one after the other: no lost update', async () => {
    const first = await publishedBodies([opened('Ada'), deposit(1), deposit(2)]);
    const second = await publishedBodies([opened('Bob'), deposit(10), deposit(20)]);
    const key = uniqueId('bank-total');
    const total = defineProjection<BankMessage, { sum: number; count: number }>({
      name: uniqueId('total'),
      handlers: {
        'bank.MoneyDeposited': async (event, ctx) => {
          await ctx.update(key, (t) => ({
            sum: (t?.sum ?? 0) + event.data.amount,
            count: (t?.count ?? 0) + 1,
          }));
        },
      },
    });
    const handler = new MessageConsumer({
      client,
      tableName: serviceTable,
      projections: [total],
    }).sqsHandler();
    expect(await handler(sqsEvent([...first.bodies, ...second.bodies]))).toEqual({ batchItemFailures: [] });
    const reader = new ReadModels({ client, eventStore: bank.store, tableName: serviceTable }).reader<{
      sum: number;
      count: number;
    }>(total);
    expect(await reader.get(key)).toEqual({ sum: 33, count: 4 });
  });

  it("reads its read models without the publishing service's event store; refuses a projection it does not apply", async () => {
    const { account, bodies } = await publishedBodies([opened('Ada'), deposit(3)]);
    const projection = balances();
    const consumer = new MessageConsumer({ client, tableName: serviceTable, projections: [projection] });
    await consumer.sqsHandler()(sqsEvent(bodies));
    expect(await consumer.reader<Balance>(projection).get(account)).toEqual({ total: 3, versions: [1, 2] });
    expect(() => consumer.reader(balances())).toThrow(
      /invalid projection.*expected one of the consumer's projections/,
    );
  });

  it('refuses a consumer without projections or table', () => {
    expect(() => new MessageConsumer({ client, tableName: serviceTable, projections: [] })).toThrow(
      /invalid projections/,
    );
    expect(() => new MessageConsumer({ client, tableName: '', projections: [balances()] })).toThrow(
      /invalid tableName/,
    );
    const twice = balances();
    expect(
      () => new MessageConsumer({ client, tableName: serviceTable, projections: [twice, twice] }),
    ).toThrow(/appears twice/);
  });
});
