import { isRetriesExhaustedError } from '@dynamo-es/aggregate';
import { beforeAll, describe, expect, it } from 'vitest';
import { injectFaults } from '../../../test/reliability/support/faults.js';
import { uniqueId } from '../../../test/support/dynamodb.js';
import { Bank } from '../src/application/bank.js';
import {
  AccountClosedError,
  AccountNotOpenError,
  CurrencyMismatchError,
  InsufficientFundsError,
} from '../src/domain/errors.js';
import { createTestBank, type TestBank } from './support/bank.js';

describe('transfers', () => {
  let t: TestBank;
  const open = (owner: string, initialDeposit?: number, currency = 'EUR') =>
    t.openAccount(owner, initialDeposit, currency);
  const versionOf = async (id: string) => (await t.store.readStream(id)).version;

  beforeAll(async () => {
    t = await createTestBank();
  });

  it('moves money between two accounts in one atomic append of both streams', async () => {
    const [ada, bob] = [await open('ada', 1000), await open('bob')];
    const outcome = await t.bank.transfer(
      { from: ada, to: bob, amount: 400, currency: 'EUR' },
      { requestId: 'tr-1' },
    );
    expect(outcome).toMatchObject({ transferId: 'tr-tr-1', replayed: false });
    expect(outcome.from).toMatchObject({ balance: 600, version: 3 });
    expect(outcome.to).toMatchObject({ balance: 400, version: 2 });
    const sent = (await t.store.readStream(ada)).events.at(-1)!;
    const received = (await t.store.readStream(bob)).events.at(-1)!;
    expect(sent).toMatchObject({ type: 'TransferSent', data: { to: bob, amount: 400 } });
    expect(received).toMatchObject({ type: 'TransferReceived', data: { from: ada, amount: 400 } });
    // Both halves carry the request's correlation and causation ids, and the same transfer id.
    expect(sent.metadata).toMatchObject({
      correlationId: 'tr-1',
      requestId: 'tr-1',
      command: 'TransferMoney',
    });
    expect(received.metadata).toEqual(sent.metadata);
    expect(received.data).toMatchObject({ transferId: (sent.data as { transferId: string }).transferId });
  });

  it.each([
    ['the sender lacks funds', InsufficientFundsError, async () => [await open('a', 40), await open('b')]],
    [
      'the receiver is closed',
      AccountClosedError,
      async () => {
        const closed = await open('c');
        await t.bank.close({ accountId: closed });
        return [await open('a', 100), closed];
      },
    ],
    [
      'the receiver has another currency',
      CurrencyMismatchError,
      async () => [await open('a', 100), await open('b', 0, 'USD')],
    ],
    [
      'the receiver was never opened',
      AccountNotOpenError,
      async () => [await open('a', 100), uniqueId('ghost')],
    ],
  ] as const)('leaves both accounts unchanged when %s', async (_why, error, accounts) => {
    const [from, to] = await accounts();
    const before = [await versionOf(from!), await versionOf(to!)];
    await expect(
      t.bank.transfer({ from: from!, to: to!, amount: 50, currency: 'EUR' }),
    ).rejects.toBeInstanceOf(error);
    expect([await versionOf(from!), await versionOf(to!)]).toEqual(before);
  });

  it('retries transfers that lose races and ends exact', async () => {
    // Generous retries: the point is that every transfer lands, after however many lost races.
    const patient = new Bank({ store: t.store, retries: 50 });
    const accounts = [await open('h1', 10_000), await open('h2', 10_000), await open('h3', 10_000)];
    const moves = Array.from({ length: 12 }, (_, i) => ({
      from: accounts[i % 3]!,
      to: accounts[(i + 1) % 3]!,
      amount: 100 + i,
    }));
    const outcomes = await Promise.all(moves.map((m) => patient.transfer({ ...m, currency: 'EUR' })));
    const retried = outcomes.reduce((sum, o) => sum + o.attempts - 1, 0);
    expect(retried).toBeGreaterThan(0);
    const balances = await Promise.all(accounts.map(async (id) => (await t.bank.load(id)).state.balance));
    const expected = accounts.map((id) =>
      moves.reduce(
        (balance, m) => balance - (m.from === id ? m.amount : 0) + (m.to === id ? m.amount : 0),
        10_000,
      ),
    );
    expect(balances).toEqual(expected);
    expect(balances.reduce((a, b) => a + b, 0)).toBe(30_000);
  });

  it('after losing a race, reads only the new events of the account that changed', async () => {
    const [a, b] = [await open('a', 1_000), await open('b', 1_000)];
    const queried: string[] = [];
    t.client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { ExpressionAttributeValues?: Record<string, { S?: string }> };
        if (context.commandName === 'QueryCommand') {
          const values = Object.values(input.ExpressionAttributeValues ?? {});
          queried.push(...values.flatMap((v) => (v.S === a || v.S === b ? [v.S] : [])));
        }
        return next(args);
      },
      { step: 'initialize', name: 'recordQueriedStreams' },
    );
    try {
      let raced = false;
      // A store whose first transfer append is preceded by another command's deposit to b.
      const store = new Proxy(t.store, {
        get: (target, name) => {
          if (name !== 'appendMany') {
            const value = Reflect.get(target, name, target);
            return typeof value === 'function' ? value.bind(target) : value;
          }
          return async (...args: Parameters<typeof target.appendMany>) => {
            if (!raced) {
              raced = true;
              await t.bank.deposit({ accountId: b, amount: 1 });
              queried.length = 0;
            }
            return target.appendMany(...args);
          };
        },
      });
      const outcome = await new Bank({ store, retryDelay: () => 0 }).transfer({
        from: a,
        to: b,
        amount: 10,
        currency: 'EUR',
      });
      expect(outcome).toMatchObject({ attempts: 2, from: { balance: 990 }, to: { balance: 1_011 } });
      expect(queried).not.toContain(a);
      expect(queried).toContain(b);
    } finally {
      t.client.middlewareStack.remove('recordQueriedStreams');
    }
  });

  it('gives up after the retry bound with a 409-mapped error, writing nothing of the lost attempt', async () => {
    const noRetries = new Bank({ store: t.store, retries: 0 });
    const [a, b] = [await open('a', 10_000), await open('b', 10_000)];
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => noRetries.transfer({ from: a, to: b, amount: 1, currency: 'EUR' })),
    );
    const lost = results.filter((r) => r.status === 'rejected');
    expect(lost.length).toBeGreaterThan(0);
    for (const r of lost) expect(isRetriesExhaustedError((r as PromiseRejectedResult).reason)).toBe(true);
    const won = results.length - lost.length;
    expect((await t.bank.load(a)).state.balance).toBe(10_000 - won);
    expect((await t.bank.load(b)).state.balance).toBe(10_000 + won);
  });
});

describe('idempotent requests', () => {
  let t: TestBank;

  beforeAll(async () => {
    t = await createTestBank();
  });

  it('applies a request id once, however often it is sent, even twice at once', async () => {
    const { accountId } = await t.bank.open(
      { owner: 'Ada', currency: 'EUR' },
      { requestId: uniqueId('open') },
    );
    const deposit = { accountId, amount: 250 };
    const first = await t.bank.deposit(deposit, { requestId: 'dep-1' });
    const again = await t.bank.deposit(deposit, { requestId: 'dep-1' });
    expect(first).toMatchObject({ balance: 250, replayed: false });
    expect(again).toMatchObject({ balance: 250, replayed: true, version: first.version });
    await Promise.all([
      t.bank.deposit(deposit, { requestId: 'dep-2' }),
      t.bank.deposit(deposit, { requestId: 'dep-2' }),
    ]);
    expect((await t.bank.load(accountId)).state.balance).toBe(500);
  });

  it('opens one account for a retried open without an account id', async () => {
    const requestId = uniqueId('open');
    const first = await t.bank.open({ owner: 'Bo', currency: 'EUR', initialDeposit: 10 }, { requestId });
    const again = await t.bank.open({ owner: 'Bo', currency: 'EUR', initialDeposit: 10 }, { requestId });
    expect(again).toMatchObject({ accountId: first.accountId, balance: 10, replayed: true });
  });

  it('recognises a retried transfer, answering with its transfer id, and a retried close', async () => {
    const a = (await t.bank.open({ owner: 'A', currency: 'EUR', initialDeposit: 100 })).accountId;
    const b = (await t.bank.open({ owner: 'B', currency: 'EUR' })).accountId;
    const transfer = { from: a, to: b, amount: 100, currency: 'EUR' };
    const first = await t.bank.transfer(transfer, { requestId: 'tr-x' });
    const again = await t.bank.transfer(transfer, { requestId: 'tr-x' });
    expect(again).toMatchObject({ replayed: true, transferId: first.transferId, to: { balance: 100 } });
    await t.bank.close({ accountId: a }, { requestId: 'close-a' });
    expect(await t.bank.close({ accountId: a }, { requestId: 'close-a' })).toMatchObject({
      status: 'closed',
      replayed: true,
    });
    await expect(t.bank.close({ accountId: a }, { requestId: 'close-a-2' })).rejects.toBeInstanceOf(
      AccountClosedError,
    );
    expect((await t.bank.load(b)).state.balance).toBe(100);
  });

  it('applies a transfer once when its answer was lost and the client sent it again', async () => {
    const a = (await t.bank.open({ owner: 'A', currency: 'EUR', initialDeposit: 100 })).accountId;
    const b = (await t.bank.open({ owner: 'B', currency: 'EUR' })).accountId;
    const transfer = { from: a, to: b, amount: 60, currency: 'EUR' };
    const faults = injectFaults(t.client, {
      seed: 5,
      rate: 1,
      kinds: ['lost-response'],
      commands: ['TransactWriteItemsCommand'],
      limit: 1,
      where: 'outside-sdk-retries',
    });
    await expect(t.bank.transfer(transfer, { requestId: 'tr-lost' })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    faults.remove();
    const retried = await t.call('POST', '/transfers', { ...transfer, requestId: 'tr-lost' });
    expect(retried).toMatchObject({ status: 201, body: { replayed: true, transferId: 'tr-tr-lost' } });
    expect([(await t.bank.load(a)).state.balance, (await t.bank.load(b)).state.balance]).toEqual([40, 60]);
  });

  it('refuses a request id reused on another account or for another command, bank-wide (422)', async () => {
    const ids = await Promise.all(
      ['A', 'B', 'C'].map(
        async (owner) => (await t.bank.open({ owner, currency: 'EUR', initialDeposit: 100 })).accountId,
      ),
    );
    const [a, b, c] = ids as [string, string, string];
    const requestId = uniqueId('req');
    expect(
      (await t.call('POST', '/transfers', { from: a, to: b, amount: 10, currency: 'EUR', requestId })).status,
    ).toBe(201);
    const cases = [
      ['a deposit on a third account', `/accounts/${c}/deposits`, { amount: 10 }],
      ['a deposit on one of its accounts', `/accounts/${a}/deposits`, { amount: 10 }],
      [
        'another transfer between the same accounts',
        '/transfers',
        { from: a, to: b, amount: 11, currency: 'EUR' },
      ],
      ['a transfer the other way', '/transfers', { from: b, to: a, amount: 10, currency: 'EUR' }],
      ['a transfer between other accounts', '/transfers', { from: a, to: c, amount: 10, currency: 'EUR' }],
      ['closing an account', `/accounts/${c}/close`, {}],
    ] as const;
    for (const [name, url, body] of cases) {
      const answer = await t.call('POST', url, { ...body, requestId });
      expect([name, answer.status, answer.body.error?.code]).toEqual([name, 422, 'REQUEST_ID_REUSED']);
    }
    const balances = await Promise.all(ids.map(async (id) => (await t.bank.load(id)).state.balance));
    expect(balances).toEqual([90, 110, 100]);
  });

  it('recognises a retry from before the account’s latest snapshot', async () => {
    const { accountId } = await t.bank.open({ owner: 'D', currency: 'EUR' });
    await t.bank.deposit({ accountId, amount: 1 }, { requestId: 'early' });
    for (let i = 0; i < 60; i++) await t.bank.deposit({ accountId, amount: 1 });
    // Saves after 50 events took a snapshot: a fresh load now starts from it, after 'early'.
    const again = await t.bank.deposit({ accountId, amount: 1 }, { requestId: 'early' });
    expect(again).toMatchObject({ replayed: true, balance: 61 });
  });
});
