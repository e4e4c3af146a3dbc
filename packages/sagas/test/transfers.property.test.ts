import fc from 'fast-check';
import { afterEach, beforeAll, describe, it } from 'vitest';
import { uniqueId } from '../../../test/support/dynamodb.js';
import { propertySeed } from '../../../test/support/property-seed.js';
import { random } from '../../projections/test/support/faults.js';
import { assertBankInvariants, type PlannedTransfer } from './support/invariants.js';
import { createTables, type Tables, World } from './support/world.js';

let tables: Tables;
const worlds: World[] = [];
beforeAll(async () => {
  tables = await createTables();
});
afterEach(() => {
  for (const world of worlds.splice(0)) world.stop();
});

const scenarioArb = fc.record({
  balances: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 3, maxLength: 3 }),
  transfers: fc.array(
    fc.record({
      from: fc.integer({ min: 0, max: 2 }),
      hop: fc.integer({ min: 1, max: 2 }),
      amount: fc.integer({ min: 1, max: 80 }),
      verdict: fc.constantFrom('approve', 'decline', 'none') as fc.Arbitrary<PlannedTransfer['verdict']>,
      early: fc.boolean(),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  closures: fc.subarray([0, 1, 2], { maxLength: 2 }),
  seed: fc.integer({ min: 0, max: 2 ** 30 }),
  crashChance: fc.constantFrom<number>(0, 0.1, 0.2),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/**
 * Random interleavings of requests, approvals, declines, missing answers (the deadline fires),
 * target closures, crashes of the worker's writes (before them, or with the answer lost after),
 * shuffled, duplicated and redelivered records, and deadline polls.
 */
async function runScenario(scenario: Scenario): Promise<void> {
  const w = new World(tables);
  worlds.push(w);
  const rnd = random(scenario.seed);
  const accounts = scenario.balances.map(() => uniqueId('acc'));
  const opening = new Map(accounts.map((id, index) => [id, scenario.balances[index] ?? 0]));
  for (const [id, balance] of opening) await w.openAccount(id, balance);
  const transfers: PlannedTransfer[] = scenario.transfers.map((t) => ({
    id: uniqueId('t'),
    from: accounts[t.from] as string,
    to: accounts[(t.from + t.hop) % 3] as string,
    amount: t.amount,
    verdict: t.verdict,
  }));
  const verdictOf = (t: PlannedTransfer) =>
    t.verdict === 'approve' ? 'TransferApproved' : 'TransferDeclined';
  for (const [index, t] of transfers.entries()) {
    if (scenario.transfers[index]?.early && t.verdict !== 'none') await w.verdict(t.id, verdictOf(t));
    await w.request(t.id, t.from, t.to, t.amount);
  }
  w.crashes(scenario.crashChance, rnd);
  await w.deliverRound(rnd, { duplicates: 0.3 });
  for (const index of scenario.closures) await w.closeAccount(accounts[index] as string);
  for (const [index, t] of transfers.entries()) {
    if (!scenario.transfers[index]?.early && t.verdict !== 'none') await w.verdict(t.id, verdictOf(t));
  }
  await w.runToEnd(
    transfers.map((t) => t.id),
    rnd,
    { duplicates: 0.3 },
  );
  w.crashes(0, rnd);
  await assertBankInvariants(w, opening, transfers);
  w.stop();
  worlds.splice(worlds.indexOf(w), 1);
}

describe('transfers through the saga, property', () => {
  it('conserves money and ends every saga once, whatever the interleaving, crashes and redeliveries', async () => {
    await fc.assert(fc.asyncProperty(scenarioArb, runScenario), {
      seed: propertySeed('saga transfers'),
      numRuns: 12,
      endOnFailure: true,
    });
  });

  it('survives a worker that crashes on almost a third of its writes, its records shuffled and duplicated', async () => {
    const seed = propertySeed('saga crash storm');
    const rnd = random(seed);
    const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)] as T;
    await runScenario({
      balances: [100, 100, 100],
      transfers: Array.from({ length: 8 }, () => ({
        from: pick([0, 1, 2]),
        hop: pick([1, 2]),
        amount: 1 + Math.floor(rnd() * 60),
        verdict: pick(['approve', 'decline', 'none'] as const),
        early: rnd() < 0.5,
      })),
      closures: [pick([0, 1, 2])],
      seed,
      crashChance: 0.3,
    });
  });
});
