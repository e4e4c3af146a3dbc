import type { StoredEvent } from '@dynamo-es/event-store';
import type { AccountEvent } from '../../src/domain/bank-account.js';

/** A fact about the store that must never be false, whatever the read models say. */
export interface IntegrityProblem {
  readonly rule: string;
  readonly streamId: string;
  readonly detail: string;
}

/** What {@link checkStoreIntegrity} counted. */
export interface StoreIntegrity {
  readonly transfers: number;
  readonly problems: readonly IntegrityProblem[];
}

interface TransferHalf {
  readonly streamId: string;
  /** The other account. */
  readonly other: string;
  readonly amount: number;
}

/**
 * Invariants of the events themselves: versions contiguous from 1; no event id twice in a stream;
 * every request id applied once (all the events carrying it were written by one command message,
 * one causation id, bank-wide); no balance ever below zero, nor below what is held; every hold
 * ended at most once (sent or released, with the held amount); and every transfer stored whole,
 * its sent half and received half with the same amount (transfers are one atomic append of both).
 */
export function checkStoreIntegrity(
  streams: ReadonlyMap<string, readonly StoredEvent<AccountEvent>[]>,
): StoreIntegrity {
  const problems: IntegrityProblem[] = [];
  const sent = new Map<string, TransferHalf>();
  const received = new Map<string, TransferHalf>();
  problems.push(...requestProblems(streams));
  for (const [streamId, events] of streams) {
    problems.push(...streamProblems(streamId, events));
    for (const event of events) {
      if (event.type === 'TransferSent')
        sent.set(event.data.transferId, { streamId, other: event.data.to, amount: event.data.amount });
      if (event.type === 'TransferReceived')
        received.set(event.data.transferId, { streamId, other: event.data.from, amount: event.data.amount });
    }
  }
  for (const [transferId, out] of sent) {
    const into = received.get(transferId);
    if (into?.streamId !== out.other || into.other !== out.streamId || into.amount !== out.amount) {
      problems.push({
        rule: 'transfers whole',
        streamId: out.streamId,
        detail: `transfer ${transferId} has no matching received half`,
      });
    }
  }
  for (const [transferId, into] of received) {
    if (!sent.has(transferId))
      problems.push({
        rule: 'transfers whole',
        streamId: into.streamId,
        detail: `transfer ${transferId} has no sent half`,
      });
  }
  return { transfers: sent.size, problems };
}

/** A request id applied twice would show as its events written by two command messages. */
function requestProblems(
  streams: ReadonlyMap<string, readonly StoredEvent<AccountEvent>[]>,
): IntegrityProblem[] {
  const problems: IntegrityProblem[] = [];
  const causes = new Map<string, unknown>();
  for (const [streamId, events] of streams) {
    for (const { metadata } of events) {
      const requestId = metadata.requestId as string | undefined;
      if (requestId === undefined) continue;
      if (!causes.has(requestId)) causes.set(requestId, metadata.causationId);
      else if (causes.get(requestId) !== metadata.causationId)
        problems.push({ rule: 'request ids applied once', streamId, detail: `${requestId} applied twice` });
    }
  }
  return problems;
}

function streamProblems(streamId: string, events: readonly StoredEvent<AccountEvent>[]): IntegrityProblem[] {
  const problems: IntegrityProblem[] = [];
  const ids = new Set<string>();
  let balance = 0;
  const holds = new Map<string, number>();
  for (const [index, event] of events.entries()) {
    if (event.version !== index + 1) {
      problems.push({
        rule: 'contiguous versions',
        streamId,
        detail: `v${event.version} at position ${index + 1}`,
      });
    }
    if (ids.has(event.eventId))
      problems.push({ rule: 'event ids unique', streamId, detail: `${event.eventId} twice` });
    ids.add(event.eventId);
    balance += delta(event);
    if (balance < 0)
      problems.push({ rule: 'no overdraft', streamId, detail: `balance ${balance} at v${event.version}` });
    const hold = holdProblem(event, holds);
    if (hold) problems.push({ rule: 'holds end once', streamId, detail: hold });
    const held = [...holds.values()].reduce((sum, amount) => sum + amount, 0);
    if (held > balance)
      problems.push({
        rule: 'no overdraft',
        streamId,
        detail: `${held} held of ${balance} at v${event.version}`,
      });
  }
  return problems;
}

/** Tracks the open holds of a stream: each placed once, ended once, with the amount held. */
function holdProblem(event: StoredEvent<AccountEvent>, holds: Map<string, number>): string | undefined {
  if (event.type === 'FundsHeld') {
    const twice = holds.has(event.data.transferId);
    holds.set(event.data.transferId, event.data.amount);
    return twice ? `${event.data.transferId} held twice` : undefined;
  }
  const ended =
    event.type === 'HoldReleased' || (event.type === 'TransferSent' && event.data.held)
      ? event.data
      : undefined;
  if (ended === undefined) return undefined;
  const amount = holds.get(ended.transferId);
  holds.delete(ended.transferId);
  return amount === ended.amount
    ? undefined
    : `${ended.transferId} ended at v${event.version} without a hold of that amount`;
}

function delta(event: StoredEvent<AccountEvent>): number {
  switch (event.type) {
    case 'MoneyDeposited':
    case 'TransferReceived':
      return event.data.amount;
    case 'MoneyWithdrawn':
    case 'TransferSent':
      return -event.data.amount;
    default:
      return 0;
  }
}
