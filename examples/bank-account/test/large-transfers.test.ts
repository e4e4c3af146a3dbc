import { StreamRunner } from '@dynamo-es/stream-runner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanAll, toStreamRecord } from '../../../packages/projections/test/support/stream-records.js';
import { uniqueId } from '../../../test/support/dynamodb.js';
import { createLargeTransferProcess } from '../src/sagas/large-transfer-process.js';
import { createTestBank, type TestBank } from './support/bank.js';

const LIMIT = 1_000_00;
const WINDOW_MS = 60_000;

describe('large transfers: the saga behind the approval limit', () => {
  let t: TestBank;
  let clock = Date.parse('2026-12-01T10:00:00Z');
  let runner: StreamRunner;
  let transfers: ReturnType<typeof createLargeTransferProcess>;

  const open = (owner: string, initialDeposit?: number) => t.openAccount(owner, initialDeposit);
  const account = async (id: string) => (await t.bank.load(id)).state;
  const settle = () => runner.waitForCaughtUp({ timeoutMs: 60_000 });
  const request = async (from: string, to: string, amount: number, requestId?: string) => {
    const answer = await t.call('POST', '/transfers', { from, to, amount, currency: 'EUR', requestId });
    expect(answer.status).toBe(202);
    expect(answer.headers.location).toBe(`/transfers/${answer.body.transferId}`);
    return answer.body.transferId as string;
  };

  beforeAll(async () => {
    t = await createTestBank(undefined, { approvalLimit: LIMIT });
    transfers = createLargeTransferProcess({
      bank: t.bank,
      store: t.store,
      client: t.client,
      readModelTable: t.tables.readModels,
      approvalWindowMs: WINDOW_MS,
      now: () => new Date(clock),
    });
    runner = new StreamRunner({
      client: t.client,
      tableName: t.tables.events,
      handler: transfers.streamHandler(),
      pollIntervalMs: 50,
      maxPollIntervalMs: 200,
    });
    await runner.start();
  });
  afterAll(() => runner?.stop());

  it('holds the amount, and sends it once approved: debit and credit, the request settled completed', async () => {
    const [ada, bob] = [await open('ada', 5_000_00), await open('bob')];
    const transferId = await request(ada, bob, 2_000_00, uniqueId('req'));
    await settle();
    expect(await account(ada)).toMatchObject({ balance: 5_000_00, held: 2_000_00 });
    expect((await t.call('GET', `/transfers/${transferId}`)).body).toMatchObject({ status: 'pending' });
    // Held money is not available: a withdrawal of more than the rest is refused.
    await expect(t.bank.withdraw({ accountId: ada, amount: 3_000_01 })).rejects.toMatchObject({
      code: 'INSUFFICIENT_FUNDS',
    });

    expect((await t.call('POST', `/transfers/${transferId}/approve`)).status).toBe(200);
    await settle();
    expect(await account(ada)).toMatchObject({ balance: 3_000_00, held: 0, holds: {} });
    expect(await account(bob)).toMatchObject({ balance: 2_000_00 });
    expect((await t.call('GET', `/transfers/${transferId}`)).body).toMatchObject({
      status: 'settled',
      outcome: 'completed',
    });
    expect(await transfers.load(transferId)).toMatchObject({ ended: { outcome: 'completed' } });
    // Decided already: a second decision is refused, and changes nothing.
    expect((await t.call('POST', `/transfers/${transferId}/reject`)).status).toBe(409);
  });

  it('gives the money back on a rejection, and when no approval comes before the deadline', async () => {
    const [ada, bob] = [await open('ada', 5_000_00), await open('bob')];
    const rejected = await request(ada, bob, 1_500_00);
    const expired = await request(ada, bob, 2_500_00);
    await settle();
    expect(await account(ada)).toMatchObject({ held: 4_000_00 });
    await t.call('POST', `/transfers/${rejected}/reject`);
    await settle();
    expect(await account(ada)).toMatchObject({ balance: 5_000_00, held: 2_500_00 });

    expect((await transfers.pollDeadlines()).fired).toBe(0); // not due yet
    clock += WINDOW_MS + 1;
    expect((await transfers.pollDeadlines()).fired).toBeGreaterThanOrEqual(1);
    await settle();
    expect(await account(ada)).toMatchObject({ balance: 5_000_00, held: 0 });
    expect(await account(bob)).toMatchObject({ balance: 0 });
    expect((await t.bank.transferRequest(rejected)).outcome).toBe('rejected');
    expect((await t.bank.transferRequest(expired)).outcome).toBe('expired');
    // Too late: the request was settled as expired.
    expect((await t.call('POST', `/transfers/${expired}/approve`)).body.error.code).toBe(
      'TRANSFER_ALREADY_DECIDED',
    );
    // A second poll fires nothing again.
    expect((await transfers.pollDeadlines()).fired).toBe(0);
  });

  it('settles as refused when the money is not there, and releases when the target closed meanwhile', async () => {
    const [poor, rich, closing] = [
      await open('poor', 100),
      await open('rich', 9_000_00),
      await open('closing'),
    ];
    const refused = await request(poor, rich, 2_000_00);
    const notPossible = await request(rich, closing, 3_000_00);
    await settle();
    expect((await t.bank.transferRequest(refused)).outcome).toBe('refused');
    expect(await account(poor)).toMatchObject({ balance: 100, held: 0 });
    await t.bank.close({ accountId: closing });
    await t.bank.approveTransfer(notPossible);
    await settle();
    expect((await t.bank.transferRequest(notPossible)).outcome).toBe('not-possible');
    expect(await account(rich)).toMatchObject({ balance: 9_000_00, held: 0 });
    expect(await account(closing)).toMatchObject({ balance: 0, status: 'closed' });
  });

  it('applies nothing twice when every record of the table is delivered again', async () => {
    const [ada, bob] = [await open('ada', 5_000_00), await open('bob')];
    const transferId = await request(ada, bob, 2_000_00);
    await settle();
    await t.bank.approveTransfer(transferId);
    await settle();
    const before = await t.store.readStream(ada);
    const sagaBefore = await t.store.readStream(transfers.streamIdOf(transferId));
    // Lambda delivers at least once: the whole table again, in scan order (no order at all).
    const records = (await scanAll(t.client, t.tables.events)).map((item) =>
      toStreamRecord(item, t.tables.events),
    );
    const handler = transfers.streamHandler();
    for (let at = 0; at < records.length; at += 100) {
      const { batchItemFailures } = await handler({ Records: records.slice(at, at + 100) });
      expect(batchItemFailures).toEqual([]);
    }
    expect((await t.store.readStream(ada)).version).toBe(before.version);
    expect((await t.store.readStream(transfers.streamIdOf(transferId))).version).toBe(sagaBefore.version);
    expect(await account(ada)).toMatchObject({ balance: 3_000_00, held: 0 });
    expect(await account(bob)).toMatchObject({ balance: 2_000_00 });
  });

  it('answers a resent large transfer with the same request, and refuses bad transfer ids', async () => {
    const [ada, bob] = [await open('ada', 5_000_00), await open('bob')];
    const requestId = uniqueId('again');
    const first = await request(ada, bob, 1_000_01, requestId);
    const again = await t.call('POST', '/transfers', {
      from: ada,
      to: bob,
      amount: 1_000_01,
      currency: 'EUR',
      requestId,
    });
    expect(again.body).toMatchObject({ transferId: first, replayed: true });
    expect((await t.call('GET', '/transfers/tr-nope')).status).toBe(404);
    expect((await t.call('GET', '/transfers/not-a-transfer')).body.error.code).toBe('INVALID_TRANSFER_ID');
    // At the limit exactly, a transfer is immediate.
    expect(
      (await t.call('POST', '/transfers', { from: ada, to: bob, amount: LIMIT, currency: 'EUR' })).status,
    ).toBe(201);
  });
});
