import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueId } from '../../../test/support/dynamodb.js';
import { propertySeed } from '../../../test/support/property-seed.js';
import { checkPublication, publicationFailures } from '../demo/scenario/publication-report.js';
import { type LocalPublication, startLocalPublication } from '../demo/scenario/publication-runner.js';
import { runScenario } from '../demo/scenario/run-scenario.js';
import { verifyFraudWatch } from '../demo/verification/verify-fraud-watch.js';
import { createFraudWatch, createFraudWatchTable } from '../src/fraud-watch/fraud-watch.js';
import { FLAG_THRESHOLD } from '../src/fraud-watch/watch-projection.js';
import { createTestBank, type TestBank } from './support/bank.js';

// Service 1 (the bank) publishes its public messages through the events table's stream to Kinesis
// (kinesalite); service 2 (fraud-watch) consumes them with the publisher's Kinesis handler, every
// second batch delivered twice, and builds its own read model in its own table.
describe('fraud-watch, the second service, fed by the bank publication over Kinesis', () => {
  let t: TestBank;
  let publication: LocalPublication;

  beforeAll(async () => {
    t = await createTestBank();
    publication = await startLocalPublication(t.client, t.tables, { redeliverEvery: 2 });
  });
  afterAll(async () => {
    await publication?.stop();
  });

  it('builds exactly the read model the bank events imply, each message applied once, every duplicate suppressed', async () => {
    // A hand-checked history first: a sends two transfers over the threshold to b, then closes.
    const open = (owner: string, initialDeposit?: number) => t.openAccount(owner, initialDeposit);
    const [a, b] = [await open('a', FLAG_THRESHOLD + 100), await open('b')];
    await t.bank.transfer({ from: a, to: b, amount: FLAG_THRESHOLD, currency: 'EUR' });
    await t.bank.transfer({ from: a, to: b, amount: 100, currency: 'EUR' });
    await t.bank.close({ accountId: a });
    // Then a random concurrent workload, with transfers racing each other.
    const stats = await runScenario(t.handler, {
      accounts: 20,
      commands: 200,
      concurrency: 8,
      seed: propertySeed('fraud-watch scenario'),
      serve: false,
      port: 0,
      runId: 'fw',
    });
    expect(stats.errors).toBe(0);

    const report = await checkPublication(publication, t.client, t.tables.events, 60_000);
    expect(report.verification.mismatches).toEqual([]);
    expect(publicationFailures(report)).toEqual([]);
    expect(await publication.fraudWatch.account(a)).toEqual({
      transfersOut: 2,
      amountOut: FLAG_THRESHOLD + 100,
      transfersIn: 0,
      amountIn: 0,
      closed: true,
      flagged: true,
    });
    expect(await publication.fraudWatch.account(b)).toMatchObject({
      transfersIn: 2,
      transfersOut: 0,
      closed: false,
    });
    expect(await publication.fraudWatch.flagged()).toContain(a);
    expect(await publication.fraudWatch.flagged()).not.toContain(b);
    // Each selected event applied exactly once; every other delivered copy was a suppressed duplicate.
    const { verification, poller } = report;
    expect(verification.messagesExpected).toBeGreaterThan(50);
    expect(report.applied).toBe(verification.messagesExpected);
    expect(report.failed).toBe(0);
    expect(poller.redelivered).toBeGreaterThan(0);
    expect(report.duplicates).toBe(poller.delivered - report.applied);
    expect(report.duplicates).toBeGreaterThanOrEqual(poller.redelivered);
    expect(report.published).toBeGreaterThanOrEqual(verification.messagesExpected);
    expect(publication.logs()).toEqual([]);
  });

  it('the check fails a read model that missed messages, and the report names it', async () => {
    await publication.waitForCaughtUp(60_000);
    // A second fraud-watch on a fresh table that was given nothing: every account is missing.
    const tableName = uniqueId('fraud-watch-empty');
    await createFraudWatchTable(t.client, tableName);
    const empty = createFraudWatch({ client: t.client, tableName });
    const verification = await verifyFraudWatch(t.client, t.tables.events, empty);
    expect(verification.accountsChecked).toBeGreaterThan(0);
    // Every account, and the flagged list.
    expect(verification.mismatches.length).toBe(verification.accountsChecked + 1);
    const failed = publicationFailures({ ...publication.stats(), caughtUp: true, logs: 0, verification });
    expect(failed.join('; ')).toMatch(/fraud-watch mismatches/);
  });

  it('fraud-watch imports only the bank public contract, never its domain, application or publication', async () => {
    const folder = resolve(dirname(fileURLToPath(import.meta.url)), '../src/fraud-watch');
    const src = resolve(folder, '..');
    const files = (await readdir(folder)).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    const outside: string[] = [];
    for (const file of files) {
      const text = await readFile(join(folder, file), 'utf8');
      for (const [, specifier] of text.matchAll(/from '([^']+)'/g)) {
        if (!specifier?.startsWith('.')) continue;
        const target = relative(src, resolve(folder, specifier));
        if (!target.startsWith('fraud-watch/') && target !== 'contract/bank-messages.js')
          outside.push(`${file} imports ${specifier}`);
      }
    }
    expect(outside).toEqual([]);
  });
});
