import type { HttpRequest } from '../../src/http/api-event.js';
import type { Random } from './random.js';

/** What a step of the scenario does. */
export type StepKind =
  | 'open'
  | 'deposit'
  | 'withdraw'
  | 'transfer'
  | 'large-transfer'
  | 'decide'
  | 'close'
  | 'resend'
  | 'double-send';

/**
 * Transfers above this wait for approval (the large-transfer saga); the workload's ordinary
 * transfers stay at or below it.
 */
export const DEMO_APPROVAL_LIMIT = 200_00;

/**
 * One step: requests sent one after the other (`sequence`), or the same request twice at once
 * (`double-send`: a client that retried before its first attempt answered).
 */
export interface Step {
  readonly kind: StepKind;
  readonly requests: readonly HttpRequest[];
  readonly concurrent?: boolean;
}

const CURRENCIES = ['EUR', 'EUR', 'EUR', 'USD', 'USD', 'GBP'] as const;
const OWNERS = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Leslie'];

/** Share of commands that go to the few hot accounts, where concurrent commands collide. */
const HOT_SHARE = 0.15;

/**
 * Generates the scenario's commands as HTTP requests: deposits, withdrawals (some refused for lack
 * of funds), transfers between accounts of one currency (a share of them on a few hot accounts, so
 * concurrent commands race and must retry), a few accounts drained and closed, and requests sent
 * again with the same request id, which must be recognised rather than applied twice.
 */
export class Workload {
  readonly #random: Random;
  readonly #runId: string;
  readonly #pools = new Map<string, string[]>();
  readonly #balances = new Map<string, number>();
  /** Recent successful commands, to re-send. */
  readonly #recent: HttpRequest[] = [];
  /** Large transfers waiting for a decision. */
  readonly #pending: string[] = [];
  /** Every large transfer the bank accepted for approval. */
  readonly requested: string[] = [];
  /** What the workload decided for each large transfer (none: it never answers, the deadline fires). */
  readonly decisions = new Map<string, 'approve' | 'reject' | 'none'>();
  #sequence = 0;

  constructor(random: Random, runId: string) {
    this.#random = random;
    this.#runId = runId;
  }

  /** Opens account number `index`. */
  open(index: number): Step {
    const accountId = `acc-${this.#runId}-${index}`;
    const currency = this.#random.pick(CURRENCIES);
    return this.#step('open', 'POST', '/accounts', {
      accountId,
      owner: `${this.#random.pick(OWNERS)} ${String.fromCharCode(65 + (index % 26))}.`,
      currency,
      initialDeposit: this.#random.int(10_00, 2_000_00),
    });
  }

  /** A random command. */
  next(): Step {
    const roll = this.#random.next();
    if (roll < 0.01 && this.#recent.length > 0)
      return { kind: 'resend', requests: [this.#random.pick(this.#recent)] };
    if (roll < 0.015) return this.#doubleSend();
    if (roll < 0.02) return this.#drainAndClose();
    if (roll < 0.37) return this.#move('deposit', 1_00, 500_00);
    if (roll < 0.6) return this.#move('withdraw', 1_00, 300_00);
    if (roll < 0.64) return this.#decide() ?? this.#transfer();
    if (roll < 0.68) return this.#largeTransfer();
    return this.#transfer();
  }

  /** Learns from a successful answer: an account's currency and balance, a request to re-send. */
  record(request: HttpRequest, body: Record<string, unknown>): void {
    if (this.#recent.length >= 200) this.#recent.shift();
    this.#recent.push(request);
    if (body.status === 'pending-approval' && typeof body.transferId === 'string' && body.replayed !== true) {
      this.#pending.push(body.transferId);
      this.requested.push(body.transferId);
    }
    for (const outcome of [body, body.from, body.to] as Record<string, unknown>[]) {
      if (typeof outcome?.accountId !== 'string' || typeof outcome.balance !== 'number') continue;
      if (!this.#balances.has(outcome.accountId))
        this.#pool(String(outcome.currency)).push(outcome.accountId);
      this.#balances.set(outcome.accountId, outcome.balance);
    }
  }

  #move(kind: 'deposit' | 'withdraw', min: number, max: number): Step {
    const accountId = this.#account(this.#random.pick([...this.#pools.keys()]));
    const path = `/accounts/${accountId}/${kind === 'deposit' ? 'deposits' : 'withdrawals'}`;
    return this.#step(kind, 'POST', path, { amount: this.#random.int(min, max) });
  }

  #transfer(): Step {
    const pool = this.#random.pick([...this.#pools.keys()]);
    const from = this.#account(pool);
    let to = this.#account(pool);
    for (let tries = 0; to === from && tries < 5; tries++) to = this.#account(pool);
    const currency = pool;
    return this.#step('transfer', 'POST', '/transfers', {
      from,
      to,
      amount: this.#random.int(1_00, 200_00),
      currency,
    });
  }

  /** A transfer above the approval limit: the bank holds the money and waits for a decision. */
  #largeTransfer(): Step {
    const step = this.#transfer();
    const body = JSON.parse(String(step.requests[0]?.body)) as Record<string, unknown>;
    const amount = this.#random.int(DEMO_APPROVAL_LIMIT + 1, 3 * DEMO_APPROVAL_LIMIT);
    return this.#step('large-transfer', 'POST', '/transfers', { ...body, amount });
  }

  /** Approves half of the large transfers waiting, rejects a quarter, and never answers the rest. */
  #decide(): Step | undefined {
    const transferId = this.#pending.shift();
    if (transferId === undefined) return undefined;
    const roll = this.#random.next();
    const decision = roll < 0.5 ? 'approve' : roll < 0.75 ? 'reject' : 'none';
    this.decisions.set(transferId, decision);
    if (decision === 'none') return { kind: 'decide', requests: [] };
    return this.#step('decide', 'POST', `/transfers/${transferId}/${decision}`, {});
  }

  /** Withdraws what the account last held, then closes it: refused if it moved in between. */
  #drainAndClose(): Step {
    // Never a hot account: they keep the races going.
    const pool = this.#pool(this.#random.pick([...this.#pools.keys()]));
    const accountId = this.#random.pick(pool.length > 5 ? pool.slice(5) : pool);
    const balance = this.#balances.get(accountId) ?? 0;
    const close = this.#request('POST', `/accounts/${accountId}/close`, {});
    if (balance === 0) return { kind: 'close', requests: [close] };
    const withdraw = this.#request('POST', `/accounts/${accountId}/withdrawals`, { amount: balance });
    return { kind: 'close', requests: [withdraw, close] };
  }

  #doubleSend(): Step {
    const step = this.#random.chance(0.5) ? this.#transfer() : this.#move('deposit', 1_00, 100_00);
    return { kind: 'double-send', requests: [step.requests[0]!, step.requests[0]!], concurrent: true };
  }

  /** A random account of the currency; with probability {@link HOT_SHARE} one of its 5 hot accounts. */
  #account(currency: string): string {
    const pool = this.#pool(currency);
    if (this.#random.chance(HOT_SHARE)) return pool[this.#random.int(0, Math.min(5, pool.length) - 1)]!;
    return this.#random.pick(pool);
  }

  #pool(currency: string): string[] {
    const pool = this.#pools.get(currency) ?? [];
    this.#pools.set(currency, pool);
    return pool;
  }

  #step(kind: StepKind, method: string, url: string, body: Record<string, unknown>): Step {
    return { kind, requests: [this.#request(method, url, body)] };
  }

  #request(method: string, url: string, body: Record<string, unknown>): HttpRequest {
    const requestId = `${this.#runId}-${++this.#sequence}`;
    return {
      method,
      url,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, requestId }),
    };
  }
}
