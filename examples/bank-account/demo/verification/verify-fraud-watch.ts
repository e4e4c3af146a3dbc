import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FraudWatch } from '../../src/fraud-watch/fraud-watch.js';
import { FLAG_THRESHOLD, type WatchedAccount } from '../../src/fraud-watch/watch-projection.js';
import { scanEvents } from './scan-events.js';

/** What the check of fraud-watch's read model found. */
export interface FraudWatchVerification {
  /** Events of the bank's table that the publication selects: the messages fraud-watch must apply once each. */
  readonly messagesExpected: number;
  readonly accountsChecked: number;
  readonly flaggedExpected: number;
  readonly mismatches: readonly {
    readonly key: string;
    readonly expected: unknown;
    readonly actual: unknown;
  }[];
}

/**
 * Recomputes fraud-watch's read model from a scan of the bank's events table (transfers out and
 * in, closings, the flagged accounts) and compares it with what fraud-watch built from the
 * messages alone: any difference (a lost, doubled or misordered message) is a mismatch.
 */
export async function verifyFraudWatch(
  client: DynamoDBClient,
  eventsTable: string,
  fraudWatch: FraudWatch,
): Promise<FraudWatchVerification> {
  const expected = new Map<string, WatchedAccount>();
  let messagesExpected = 0;
  for (const [accountId, events] of await scanEvents(client, eventsTable)) {
    let account: WatchedAccount | undefined;
    const base = (): WatchedAccount =>
      account ?? {
        transfersOut: 0,
        amountOut: 0,
        transfersIn: 0,
        amountIn: 0,
        closed: false,
        flagged: false,
      };
    for (const event of events) {
      if (event.type === 'TransferSent') {
        const amountOut = base().amountOut + event.data.amount;
        account = {
          ...base(),
          transfersOut: base().transfersOut + 1,
          amountOut,
          flagged: amountOut > FLAG_THRESHOLD,
        };
      } else if (event.type === 'TransferReceived') {
        account = {
          ...base(),
          transfersIn: base().transfersIn + 1,
          amountIn: base().amountIn + event.data.amount,
        };
      } else if (event.type === 'AccountClosed') account = { ...base(), closed: true };
      else continue;
      messagesExpected++;
    }
    if (account) expected.set(accountId, account);
  }
  const actual = await fraudWatch.accounts();
  const mismatches: { key: string; expected: unknown; actual: unknown }[] = [];
  for (const accountId of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(accountId);
    const got = actual.get(accountId);
    if (canonical(want) !== canonical(got)) {
      mismatches.push({ key: `account/${accountId}`, expected: want, actual: got });
    }
  }
  const flaggedExpected = [...expected].filter(([, a]) => a.flagged).map(([id]) => id);
  const flagged = await fraudWatch.flagged();
  if (
    flagged.length !== flaggedExpected.length ||
    [...flagged].sort().join() !== [...flaggedExpected].sort().join()
  ) {
    mismatches.push({ key: 'flagged', expected: [...flaggedExpected].sort(), actual: [...flagged].sort() });
  }
  return {
    messagesExpected,
    accountsChecked: expected.size,
    flaggedExpected: flaggedExpected.length,
    mismatches,
  };
}

/** The same JSON for the same fields and values, whatever their order. */
const canonical = (value: object | undefined): string =>
  value === undefined ? 'none' : JSON.stringify(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)));
