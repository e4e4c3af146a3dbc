import { AggregateRepository, DEFAULT_RETRIES, DeciderCommandHandler } from '@dynamo-es/aggregate';
import { EventStore } from '@dynamo-es/event-store';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { BankAccount, bankAccount } from './fixtures/bank-account.js';
import { createTables } from './support/tables.js';

const WRITERS = 20;
let tableName: string;

beforeAll(async () => {
  tableName = (await createTables()).events;
});

describe('20 concurrent deposits into one account', () => {
  it('all succeed within their retry bound and the balance is exact (aggregates, one store per writer)', async () => {
    const id = uniqueId('account');
    const repository = () =>
      new AggregateRepository({
        store: new EventStore({ client: testClient(), tableName }),
        factory: (accountId) => new BankAccount(accountId),
      });
    await repository().update(id, (account) => account.open('Ada'));
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, index) =>
        repository().update(id, (account) => account.deposit(index + 1)),
      ),
    );
    for (const { attempts } of results) expect(attempts).toBeLessThanOrEqual(DEFAULT_RETRIES + 1);
    const account = await repository().loadExisting(id);
    expect(account.state.balance).toBe((WRITERS * (WRITERS + 1)) / 2);
    expect(account.version).toBe(WRITERS + 1);
  });

  it('all succeed within their retry bound and the balance is exact (decider, one shared handler)', async () => {
    const id = uniqueId('account');
    const handler = new DeciderCommandHandler({
      store: new EventStore({ client: testClient(), tableName }),
      decider: bankAccount,
    });
    await handler.handle(id, { type: 'OpenAccount', owner: 'Ada' });
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, index) =>
        handler.handle(id, { type: 'Deposit', amount: index + 1 }),
      ),
    );
    for (const { attempts } of results) expect(attempts).toBeLessThanOrEqual(DEFAULT_RETRIES + 1);
    const versions = results.map((result) => result.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: WRITERS }, (_, index) => index + 2));
    const final = await handler.handle(id, { type: 'Deposit', amount: 0 });
    expect(final.state.balance).toBe((WRITERS * (WRITERS + 1)) / 2);
  });
});
