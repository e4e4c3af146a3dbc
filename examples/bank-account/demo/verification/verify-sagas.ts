import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StoredEvent } from '@dynamo-es/event-store';
import type { AccountEvent } from '../../src/domain/bank-account.js';
import type { TransferRequestEvent } from '../../src/domain/transfer-request.js';
import type { LocalSaga } from '../scenario/saga-runner.js';
import { scanEvents } from './scan-events.js';

/** What the large-transfer check found. */
export interface SagaVerification {
  /** Large transfers requested, and how they ended (by outcome). */
  readonly requested: number;
  readonly outcomes: Readonly<Record<string, number>>;
  /** Sagas not ended when the check ran (0 when every one reached a terminal state). */
  readonly unfinished: number;
  /** Deadlines the poller fired. */
  readonly deadlinesFired: number;
  readonly problems: readonly string[];
}

type Decision = 'approve' | 'reject' | 'none';

/** The outcomes each decision may lead to: the money may also be short, or the target closed. */
const ALLOWED: Readonly<Record<Decision, readonly string[]>> = {
  approve: ['completed', 'not-possible', 'refused'],
  reject: ['rejected', 'refused'],
  none: ['expired', 'refused'],
};

/** Waits until every large transfer's saga has ended (or the time is up). */
export async function waitForSagas(
  saga: LocalSaga,
  transferIds: readonly string[],
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let open = [...transferIds];
  while (open.length > 0 && Date.now() < deadline) {
    const ended = await Promise.all(
      open.map(async (id) => (await saga.process.load(id)).ended !== undefined),
    );
    open = open.filter((_, index) => !ended[index]);
    if (open.length > 0) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return open.length === 0;
}

/**
 * Checks every large transfer against the store: its saga ended, with the outcome its request was
 * settled with and one its decision allows; a completed one left the source account once, as the
 * held amount, and reached the target; any other gave the hold back; nothing is held any more.
 */
export async function verifySagas(
  client: DynamoDBClient,
  eventsTable: string,
  saga: LocalSaga,
  decisions: ReadonlyMap<string, Decision>,
): Promise<SagaVerification> {
  const streams = await scanEvents(client, eventsTable);
  const money = moneyByTransfer(streams);
  const problems: string[] = [];
  const outcomes: Record<string, number> = {};
  let requested = 0;
  let unfinished = 0;
  for (const [streamId, events] of streams) {
    const first = (events as unknown as StoredEvent<TransferRequestEvent>[])[0];
    if (!streamId.startsWith('transfer.') || first?.type !== 'LargeTransferRequested') continue;
    requested++;
    const { transferId, amount } = first.data;
    const settled = (events as unknown as StoredEvent<TransferRequestEvent>[]).find(
      (event) => event.type === 'LargeTransferSettled',
    );
    const outcome = settled?.type === 'LargeTransferSettled' ? settled.data.outcome : undefined;
    const ended = (await saga.process.load(transferId)).ended?.outcome;
    if (ended === undefined || outcome === undefined) {
      unfinished++;
      problems.push(`${transferId}: not ended (saga ${ended ?? 'open'}, request ${outcome ?? 'open'})`);
      continue;
    }
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    if (ended !== outcome) problems.push(`${transferId}: saga ended ${ended}, request settled ${outcome}`);
    const decision = decisions.get(transferId) ?? 'none';
    if (!ALLOWED[decision].includes(outcome)) problems.push(`${transferId}: ${decision} ended ${outcome}`);
    const problem = moneyProblem(outcome, amount, money.get(transferId) ?? NO_MONEY);
    if (problem) problems.push(`${transferId}: ${outcome} with ${problem}`);
  }
  return { requested, outcomes, unfinished, deadlinesFired: saga.fired(), problems };
}

/** What the account streams say of one transfer's money. */
interface TransferMoney {
  readonly halves: readonly number[];
  readonly holds: number;
  readonly releases: number;
}

const NO_MONEY: TransferMoney = { halves: [], holds: 0, releases: 0 };

function moneyByTransfer(streams: ReadonlyMap<string, readonly StoredEvent<AccountEvent>[]>) {
  const money = new Map<string, TransferMoney>();
  for (const event of [...streams.values()].flat()) {
    const { transferId, amount } = event.data as { transferId?: string; amount: number };
    if (transferId === undefined) continue;
    const seen = money.get(transferId) ?? NO_MONEY;
    if (event.type === 'TransferSent' || event.type === 'TransferReceived')
      money.set(transferId, { ...seen, halves: [...seen.halves, amount] });
    if (event.type === 'FundsHeld') money.set(transferId, { ...seen, holds: seen.holds + 1 });
    if (event.type === 'HoldReleased') money.set(transferId, { ...seen, releases: seen.releases + 1 });
  }
  return money;
}

/**
 * A completed transfer: held once, both halves of the held amount, no release. Any other: no
 * money moved, and the hold (none when refused) given back once.
 */
function moneyProblem(outcome: string, amount: number, money: TransferMoney): string | undefined {
  const { halves, holds, releases } = money;
  const ok =
    outcome === 'completed'
      ? halves.length === 2 && halves.every((half) => half === amount) && holds === 1 && releases === 0
      : halves.length === 0 && holds === (outcome === 'refused' ? 0 : 1) && releases === holds;
  return ok ? undefined : `${halves.length} halves, ${holds} holds, ${releases} releases`;
}
