import { AggregateRepository, isIdempotencyKeyReusedError, StateCache } from '@dynamo-es/aggregate';
import { EventStore, type StoredEvent } from '@dynamo-es/event-store';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { injectFaults } from '../../../test/reliability/support/faults.js';
import { createTestClient, testClient, uniqueId } from '../../../test/support/dynamodb.js';
import {
  type AccountEvent,
  BankAccount,
  deposited,
  InsufficientFundsError,
  opened,
} from './fixtures/bank-account.js';
import { createTables } from './support/tables.js';

const ACCOUNTS = 4;
const INITIAL = 100;
const CALLERS = 3;
const MAX_SENDS = 40;

type Command =
  | { readonly kind: 'transfer'; readonly from: number; readonly to: number; readonly amount: number }
  | { readonly kind: 'deposit'; readonly account: number; readonly amount: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc
    .record({
      kind: fc.constant('transfer' as const),
      from: fc.nat(ACCOUNTS - 1),
      shift: fc.integer({ min: 1, max: ACCOUNTS - 1 }),
      amount: fc.integer({ min: 1, max: 70 }),
    })
    .map(({ kind, from, shift, amount }) => ({ kind, from, to: (from + shift) % ACCOUNTS, amount })),
  fc.record({
    kind: fc.constant('deposit' as const),
    account: fc.nat(ACCOUNTS - 1),
    amount: fc.integer({ min: 1, max: 30 }),
  }),
);

/** A command as sent: its key, and whether a second caller sends it at the same moment. */
const sent = fc.record({ command, twice: fc.boolean(), caller: fc.nat(CALLERS - 1) });

let tables: Awaited<ReturnType<typeof createTables>>;
beforeAll(async () => {
  tables = await createTables();
});

/** A caller: a process of its own (client, store, repository), whose writes' answers are lost at random. */
function caller(index: number, seed: number) {
  const client = createTestClient();
  const faults = injectFaults(client, {
    seed: seed * 10 + index,
    rate: 0.25,
    kinds: ['lost-response'],
    where: 'outside-sdk-retries',
  });
  const store = new EventStore({ client, tableName: tables.events, idempotency: { tableName: tables.keys } });
  // The first caller runs commands on cached states optimistically, the second on verified
  // cached states, the third reads the store each time.
  const stateCache = index < 2 ? new StateCache({ optimistic: index === 0 }) : undefined;
  const accounts = new AggregateRepository({
    store,
    factory: (id) => new BankAccount(id),
    retries: 100,
    retryDelay: () => Math.random() * 5,
    ...(stateCache ? { stateCache } : {}),
  });
  return {
    accounts,
    close: () => {
      tally.lostAnswers += faults.total();
      faults.remove();
      client.destroy();
    },
  };
}

type Answer = 'applied' | 'refused' | 'reused';

/** What the runs went through, to show the property was exercised: lost answers and replays. */
const tally = { lostAnswers: 0, replays: 0 };

/** Sends a command until it gets an answer: a lost answer is retried with the same key. */
async function send(
  callers: ReturnType<typeof caller>[],
  first: number,
  ids: readonly string[],
  key: string,
  cmd: Command,
): Promise<Answer> {
  for (let sends = 0; sends < MAX_SENDS; sends++) {
    const { accounts } = callers[(first + sends) % callers.length] as ReturnType<typeof caller>;
    const options = {
      metadata: { key },
      idempotency: { key, command: cmd.kind, payload: cmd },
    };
    try {
      const { replayed } =
        cmd.kind === 'deposit'
          ? await accounts.update(ids[cmd.account] as string, (a) => a.deposit(cmd.amount), options)
          : await accounts.updateMany(
              [ids[cmd.from] as string, ids[cmd.to] as string],
              ([from, to]) => {
                from?.withdraw(cmd.amount);
                to?.deposit(cmd.amount);
              },
              options,
            );
      if (replayed) tally.replays++;
      return 'applied';
    } catch (error) {
      if (error instanceof InsufficientFundsError) return 'refused';
      if (isIdempotencyKeyReusedError(error)) return 'reused';
      if ((error as { name?: string }).name !== 'TimeoutError') throw error;
    }
  }
  throw new Error(`no answer for ${key} after ${MAX_SENDS} sends`);
}

async function history(store: EventStore, id: string): Promise<StoredEvent<AccountEvent>[]> {
  return (await store.readStream<AccountEvent>(id)).events;
}

/**
 * What must hold afterwards: each key's events are stored at most once, exactly for the commands
 * answered as applied; every stream is the fold of those commands, never below zero; money is
 * conserved.
 */
function checkStore(
  commands: readonly Command[],
  keys: readonly string[],
  answers: readonly Answer[][],
  streams: readonly StoredEvent<AccountEvent>[][],
): void {
  const stored = new Map<string, number>();
  for (const event of streams.flat()) {
    const key = event.metadata.key as string | undefined;
    if (key !== undefined) stored.set(key, (stored.get(key) ?? 0) + 1);
  }
  const expected = streams.map(() => INITIAL);
  let deposits = 0;
  commands.forEach((cmd, index) => {
    const applied = (answers[index] as Answer[]).includes('applied');
    // A command sent twice at once gets the same answer twice, unless the first was refused (a
    // refused command records nothing: sending it again decides again).
    if (applied) expect(answers[index]).not.toContain('reused');
    expect(stored.get(keys[index] as string) ?? 0).toBe(applied ? (cmd.kind === 'transfer' ? 2 : 1) : 0);
    if (!applied) return;
    if (cmd.kind === 'deposit') {
      expected[cmd.account] = (expected[cmd.account] as number) + cmd.amount;
      deposits += cmd.amount;
    } else {
      expected[cmd.from] = (expected[cmd.from] as number) - cmd.amount;
      expected[cmd.to] = (expected[cmd.to] as number) + cmd.amount;
    }
  });
  const balances = streams.map((events) => {
    const account = new BankAccount('fold');
    for (const event of events) {
      account.loadFromHistory([{ type: event.type, data: event.data } as AccountEvent]);
      expect(account.state.balance).toBeGreaterThanOrEqual(0);
    }
    return account.state.balance;
  });
  expect(balances).toEqual(expected);
  expect(balances.reduce((a, b) => a + b, 0)).toBe(ACCOUNTS * INITIAL + deposits);
}

describe('commands over several aggregates, keyed, with lost answers (property)', () => {
  it('apply each key at most once; every stream is the fold of the commands that succeeded; money is conserved', async () => {
    const truth = new EventStore({ client: testClient(), tableName: tables.events });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(sent, { minLength: 8, maxLength: 20 }), async (commands) => {
        run++;
        const ids = Array.from({ length: ACCOUNTS }, () => uniqueId('account'));
        for (const id of ids) {
          await truth.append(id, [opened(), deposited(INITIAL)], { expectedVersion: 'no-stream' });
        }
        const callers = Array.from({ length: CALLERS }, (_, index) => caller(index, run));
        const keys = commands.map((_, index) => `${ids[0]}-k${index}`);
        try {
          const answers = await Promise.all(
            commands.map(async ({ command: cmd, twice, caller: first }, index) => {
              const key = keys[index] as string;
              const sends = [send(callers, first, ids, key, cmd)];
              if (twice) sends.push(send(callers, first + 1, ids, key, cmd));
              return Promise.all(sends);
            }),
          );
          // A key already applied, reused for another command, is refused and writes nothing.
          const appliedIndex = answers.findIndex((each) => each.includes('applied'));
          if (appliedIndex >= 0) {
            const other: Command = { kind: 'deposit', account: 0, amount: 1_000 };
            expect(await send(callers, 0, ids, keys[appliedIndex] as string, other)).toBe('reused');
          }

          checkStore(
            commands.map((each) => each.command),
            keys,
            answers,
            await Promise.all(ids.map((id) => history(truth, id))),
          );
        } finally {
          for (const each of callers) each.close();
        }
      }),
      { numRuns: 5 },
    );
    expect(tally.lostAnswers).toBeGreaterThan(10);
    expect(tally.replays).toBeGreaterThan(5);
  });
});
