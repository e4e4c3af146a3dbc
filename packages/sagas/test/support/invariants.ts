import { expect } from 'vitest';
import type { World } from './world.js';

export interface PlannedTransfer {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly amount: number;
  readonly verdict: 'approve' | 'decline' | 'none';
}

/**
 * What must hold once every saga ended, whatever the interleaving, crashes and redeliveries: each
 * saga ended once in a terminal state consistent with its verdict; each account command applied at
 * most once; a transfer debited if and only if credited (never half applied); the fold of every
 * account equals its opening balance plus the completed transfers; no hold left; money conserved.
 */
export async function assertBankInvariants(
  w: World,
  opening: ReadonlyMap<string, number>,
  transfers: readonly PlannedTransfer[],
): Promise<void> {
  const expected = new Map(opening);
  const events = new Map<string, { type: string; data: { transferId?: string } }[]>();
  for (const accountId of opening.keys()) {
    events.set(accountId, (await w.accountEvents(accountId)) as never);
  }
  const count = (accountId: string, type: string, transferId: string) =>
    (events.get(accountId) ?? []).filter((e) => e.type === type && e.data.transferId === transferId).length;
  for (const transfer of transfers) {
    const instance = await w.inspector.load(transfer.id);
    expect(instance.ended?.outcome, `saga ${transfer.id}`).toMatch(/^(completed|released|failed)$/);
    expect(instance.pending).toEqual([]);
    const { id, from, to, amount } = transfer;
    for (const type of ['HoldPlaced', 'HoldReleased', 'HeldMoneyDebited']) {
      expect(count(from, type, id), `${type} of ${id}`).toBeLessThanOrEqual(1);
    }
    expect(count(to, 'MoneyCredited', id)).toBeLessThanOrEqual(1);
    const debited = count(from, 'HeldMoneyDebited', id) === 1;
    expect(count(to, 'MoneyCredited', id) === 1, `half-applied ${id}`).toBe(debited);
    expect(instance.ended?.outcome === 'completed').toBe(debited);
    if (transfer.verdict !== 'approve') expect(instance.ended?.outcome).not.toBe('completed');
    expect(instance.ended?.outcome === 'failed').toBe(count(from, 'HoldPlaced', id) === 0);
    if (debited) {
      expected.set(from, (expected.get(from) ?? 0) - amount);
      expected.set(to, (expected.get(to) ?? 0) + amount);
    }
  }
  let total = 0;
  for (const accountId of opening.keys()) {
    const state = await w.state(accountId);
    expect(state.balance, `balance of ${accountId}`).toBe(expected.get(accountId));
    expect(state.held).toEqual({});
    total += state.balance;
  }
  expect(total).toBe([...opening.values()].reduce((a, b) => a + b, 0));
}
