import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { silentLogger } from '@dynamo-es/event-store';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { type MessageEnvelope, Publisher, sqsSink } from '../src/index.js';
import { appendAll, bankPublication, createBank, deposit, opened, recordsOf } from './support/bank.js';

// SQS has no emulator here: the queue is aws-sdk-client-mock (request shapes and partial failures);
// checkpoints and dead letters are on DynamoDB Local.
const client = testClient();
let bank: Awaited<ReturnType<typeof createBank>>;
beforeAll(async () => {
  bank = await createBank(client);
});

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/bank.fifo';

function setup(fail: (envelope: MessageEnvelope) => boolean, senderFault = false) {
  const sqs = new SQSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const accepted: MessageEnvelope[] = [];
  const calls: MessageEnvelope[][] = [];
  mockClient(sqs)
    .on(SendMessageBatchCommand)
    .callsFake((input: { Entries: { Id: string; MessageBody: string }[] }) => {
      const envelopes = input.Entries.map((entry) => JSON.parse(entry.MessageBody) as MessageEnvelope);
      calls.push(envelopes);
      const failed = input.Entries.filter((_, index) => fail(envelopes[index]!));
      envelopes.forEach((envelope) => {
        if (!fail(envelope)) accepted.push(envelope);
      });
      return {
        Successful: input.Entries.filter((entry) => !failed.includes(entry)).map((entry) => ({
          Id: entry.Id,
        })),
        Failed: failed.map((entry) => ({
          Id: entry.Id,
          Code: senderFault ? 'InvalidParameterValue' : 'InternalError',
          SenderFault: senderFault,
        })),
      };
    });
  const publisher = new Publisher({
    client,
    eventStore: bank.store,
    tableName: bank.readModelTable,
    sink: sqsSink({ client: sqs, queueUrl: QUEUE }),
    sinkRetry: { maxAttempts: 2, baseMs: 0, capMs: 0 },
    logger: silentLogger,
  });
  return { publisher, accepted, calls };
}

describe('publishing to an SQS FIFO queue', () => {
  it('sends at most one message of a stream per call, after the one before it was accepted', async () => {
    const [a, b] = [uniqueId('account'), uniqueId('account')];
    await appendAll(bank.store, a, [opened('Ada'), deposit(1), deposit(2)]);
    await appendAll(bank.store, b, [opened('Bob')]);
    const { publisher, accepted, calls } = setup(() => false);
    const handler = publisher.streamHandler(bankPublication());
    expect(await handler({ Records: await recordsOf(client, bank.eventsTable, [a, b]) })).toEqual({
      batchItemFailures: [],
    });
    expect(
      calls.map((call) => call.map((m) => `${m.streamId === a ? 'a' : 'b'}${m.streamVersion}`).sort()),
    ).toEqual([['a1', 'b1'], ['a2'], ['a3']]);
    expect(accepted).toHaveLength(4);
  });

  it('reports the stream for redelivery when its entries keep failing, and checkpoints only what was accepted', async () => {
    const a = uniqueId('account');
    await appendAll(bank.store, a, [opened('Ada'), deposit(1), deposit(2)]);
    let failing = true;
    const { publisher, accepted } = setup((m) => failing && m.streamVersion === 2);
    const publication = bankPublication();
    const handler = publisher.streamHandler(publication);
    const records = await recordsOf(client, bank.eventsTable, [a]);
    const first = await handler({ Records: records });
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }]);
    expect(accepted.map((m) => m.streamVersion)).toEqual([1]);
    failing = false;
    expect(await handler({ Records: records.slice(1) })).toEqual({ batchItemFailures: [] });
    expect(accepted.map((m) => m.streamVersion)).toEqual([1, 2, 3]);
    expect(await publisher.deadLetters.list(publication)).toEqual([]);
  });

  it('an entry the queue refuses as such (SenderFault) is not retried: its event is poison, dead-lettered after maxAttempts, its stream parked', async () => {
    const a = uniqueId('account');
    await appendAll(bank.store, a, [opened('Ada'), deposit(1), deposit(2)]);
    const { publisher, accepted, calls } = setup((m) => m.streamVersion === 2, true);
    const publication = bankPublication();
    const handler = publisher.streamHandler(publication, { maxAttempts: 2 });
    const records = await recordsOf(client, bank.eventsTable, [a]);
    expect((await handler({ Records: records })).batchItemFailures).toEqual([
      { itemIdentifier: records[1]!.dynamodb!.SequenceNumber },
    ]);
    expect(calls.filter((call) => call.some((m) => m.streamVersion === 2))).toHaveLength(1);
    expect(await handler({ Records: records.slice(1) })).toEqual({ batchItemFailures: [] });
    expect(accepted.map((m) => m.streamVersion)).toEqual([1]);
    expect(calls.flat().some((m) => m.streamVersion === 3)).toBe(false);
    const [letter] = await publisher.deadLetters.list(publication);
    expect(letter).toMatchObject({ version: 2, attempts: 2, error: { name: 'SinkRejectedError' } });
    expect(letter?.error.message).toMatch(
      /refused message .* \(InvalidParameterValue: \); the event is poison/,
    );
  });
});
