import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { itemBytes } from '@dynamo-es/event-store';
import { capacityMeter, meter } from '../meter.js';
import type { Item } from './fixtures.js';

/** What a piece of work sent to DynamoDB, and what AWS would bill for it. */
export interface Probed<T> {
  readonly value: T;
  readonly requests: number;
  /** e.g. "1x PutItem" or "1x TransactWriteItems (1 ConditionCheck)". */
  readonly commands: string;
  readonly bytesSent: number;
  readonly wcu: number;
  readonly rcu: number;
  readonly itemsRead: number;
  /** Items written: one per put/update/delete, each item of a transaction or batch write. */
  readonly itemsWritten: number;
  readonly itemsSent: readonly Item[];
  readonly conditionChecks: number;
}

export interface Probe {
  run<T>(work: () => Promise<T>): Promise<Probed<T>>;
  remove(): void;
}

/** Meters a client (requests, bytes sent, items and capacity); `lookup` is an unmetered client. */
export function probe(client: DynamoDBClient, lookup: DynamoDBClient): Probe {
  const counts = meter(client);
  const capacity = capacityMeter(client, lookup, itemBytes);
  return {
    async run(work) {
      counts.reset();
      capacity.reset();
      const value = await work();
      const costs = capacity.costs();
      const checks = costs.reduce((sum, cost) => sum + cost.conditionChecks, 0);
      const commands = Object.entries(counts.byCommand())
        .map(([name, n]) => `${n}x ${name.replace('Command', '')}`)
        .join(', ');
      return {
        value,
        requests: counts.requests(),
        commands: checks > 0 ? `${commands} (${checks} ConditionCheck)` : commands,
        bytesSent: counts.bytesSent(),
        wcu: capacity.wcu(),
        rcu: capacity.rcu(),
        itemsRead: costs.reduce((sum, cost) => sum + cost.itemsRead, 0),
        itemsWritten: counts.itemsWritten(),
        itemsSent: capacity.itemsSent(),
        conditionChecks: checks,
      };
    },
    remove() {
      counts.remove();
      capacity.remove();
    },
  };
}
