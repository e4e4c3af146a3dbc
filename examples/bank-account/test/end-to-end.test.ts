import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { propertySeed } from '../../../test/support/property-seed.js';
import { type LocalProjections, startLocalProjections } from '../demo/scenario/projection-runner.js';
import { runScenario } from '../demo/scenario/run-scenario.js';
import { verifyReadModels } from '../demo/verification/verify-read-models.js';
import { STATEMENT_PAGE_SIZE } from '../src/projections/account-statement.js';
import { createTestBank, type TestBank } from './support/bank.js';

describe('the bank end to end: HTTP handler, event store, DynamoDB Stream, StreamRunner, read models', () => {
  let t: TestBank;
  let projections: LocalProjections;

  beforeAll(async () => {
    t = await createTestBank();
    projections = await startLocalProjections(t.client, t.tables);
  });

  afterAll(async () => {
    await projections?.stop();
  });

  it('runs the scenario at small size and every read model equals what the store says', async () => {
    const stats = await runScenario(t.handler, {
      accounts: 30,
      commands: 300,
      concurrency: 8,
      seed: propertySeed('bank scenario'),
      serve: false,
      port: 0,
      runId: 'e2e',
    });
    expect(stats).toMatchObject({ opened: 30, commands: 300, errors: 0, idempotencyFailures: 0 });
    expect(stats.succeeded).toBeGreaterThan(250);
    expect(stats.conflictsRetried).toBeGreaterThan(0);
    await makeOneAccountHot(t, stats.opened);

    await projections.runner.waitForCaughtUp({ timeoutMs: 60_000 });
    const verification = await verifyReadModels({
      client: t.client,
      tables: t.tables,
      http: { handler: t.handler, sample: 10 },
    });
    expect(verification.mismatches).toEqual([]);
    expect(verification.integrityProblems).toEqual([]);
    expect(verification).toMatchObject({
      accounts: 30,
      mismatchCount: 0,
      integrityProblemCount: 0,
      deadLetters: 0,
    });
    expect(verification.accountsCheckedOverHttp).toBe(10);
    // One account has more than one statement page, so pagination was read end to end.
    expect(verification.statementPagesChecked).toBeGreaterThan(30);
    expect(projections.logs()).toEqual([]);
  });

  it('serves the read side over HTTP: summary, statement pages newest first, bank totals, 404s', async () => {
    await t.call('POST', '/accounts', {
      accountId: 'zoe',
      owner: 'Zoe',
      currency: 'EUR',
      initialDeposit: 100,
    });
    for (let i = 1; i <= 30; i++) await t.call('POST', '/accounts/zoe/deposits', { amount: i });
    await projections.runner.waitForCaughtUp({ timeoutMs: 60_000 });
    const summary = await t.call('GET', '/accounts/zoe');
    expect(summary).toMatchObject({
      status: 200,
      body: { accountId: 'zoe', balance: 100 + 465, status: 'open', version: 32 },
    });
    const latest = await t.call('GET', '/accounts/zoe/statement');
    expect(latest.body).toMatchObject({ page: 2, nextPage: 1, balance: 565 });
    expect(latest.body.movements.map((m: { amount: number }) => m.amount)).toEqual([30, 29, 28, 27, 26, 25]);
    const older = await t.call('GET', '/accounts/zoe/statement?page=1');
    expect(older.body).toMatchObject({ page: 1, nextPage: null });
    expect(older.body.movements).toHaveLength(25);
    expect(older.body.movements.at(-1)).toMatchObject({ kind: 'deposit', amount: 100, balance: 100 });
    expect((await t.call('GET', '/accounts/zoe/statement?page=3')).status).toBe(404);
    expect((await t.call('GET', '/accounts/nobody')).body.error.code).toBe('ACCOUNT_NOT_FOUND');
    const bank = await t.call('GET', '/bank');
    expect(bank.body.currencies.EUR.deposited).toBeGreaterThanOrEqual(565);
  });
});

/**
 * Gives an open account of the scenario (`acc-e2e-<n>`) more movements than a statement page holds,
 * whatever the seed: a random run may leave every statement on one page.
 */
async function makeOneAccountHot(t: TestBank, accounts: number): Promise<void> {
  for (let index = 0; index < accounts; index++) {
    const url = `/accounts/acc-e2e-${index}/deposits`;
    if ((await t.call('POST', url, { amount: 1 })).status !== 200) continue; // closed by the scenario
    for (let i = 1; i < STATEMENT_PAGE_SIZE; i++)
      expect((await t.call('POST', url, { amount: 1 })).status).toBe(200);
    return;
  }
  throw new Error('every account of the scenario is closed');
}
