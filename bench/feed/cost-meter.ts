import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { itemBytes } from '@dynamo-es/event-store';
import type { Item } from '../event-store/fixtures.js';
import { observeRequests } from '../meter.js';

/** What the feed's requests cost, by part of the protocol. */
export const CostPart = {
  /** PutItem of batch items that landed: the entries themselves. */
  Entries: 'entries',
  /** PutItem of type index items (each batch's events by type, written when the next batch is). */
  TypeIndex: 'type index',
  /** PutItem of a batch that lost the race (billed all the same). */
  LostRaces: 'lost races',
  /** UpdateItem of stream states and BatchGetItem of stream states: what makes it exact. */
  DedupState: 'dedup state',
  /** Query for the end of the feed, GetItem/UpdateItem/PutItem of the meta item. */
  EndOfFeed: 'end of feed',
  /** BatchGetItem / Query on the events table (gap fills, readAll's fetches). */
  Events: 'events table',
  /** Query of batches by readers. */
  Batches: 'batch reads',
  /** Query of type index items by readers. */
  TypeReads: 'type index reads',
  /** Scan of the events table. */
  Scan: 'scan',
  /** Anything else (checkpoints). */
  Other: 'other',
} as const;
export type CostPart = (typeof CostPart)[keyof typeof CostPart];

export interface CostMeter {
  wcu(part?: CostPart): number;
  rcu(part?: CostPart): number;
  requests(part?: CostPart): number;
  byCommand(): Record<string, number>;
  reset(): void;
  remove(): void;
}

let meters = 0;
const writeKb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const readUnits = (bytes: number, consistent: boolean) =>
  Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

/**
 * Estimates the capacity AWS would bill for each request of a client (DynamoDB Local reports none),
 * from the items sent and returned, with AWS's rounding, and files it under a part of the feed's
 * protocol: writes bill ceil(KB) (a failed conditional write the size of the item it met, at least
 * 1); a Query ceil(sum of returned sizes / 4 KB), a BatchGetItem that per key (at least 1, a missing
 * key 1), half when eventually consistent.
 */
export function costMeter(client: DynamoDBClient, tables: { feed: string; events: string }): CostMeter {
  const name = `bench-feed-cost-${++meters}`;
  let costs: { part: CostPart; command: string; wcu: number; rcu: number }[] = [];
  observeRequests(client, name, ({ command: commandName, input, output, failure }) => {
    const command = commandName.replace('Command', '');
    costs.push({ command, ...cost(command, input, output, failure, tables) });
  });
  const sum = (key: 'wcu' | 'rcu', part?: CostPart) =>
    costs.filter((c) => part === undefined || c.part === part).reduce((total, c) => total + c[key], 0);
  return {
    wcu: (part) => sum('wcu', part),
    rcu: (part) => sum('rcu', part),
    requests: (part) => costs.filter((c) => part === undefined || c.part === part).length,
    byCommand: () => {
      const counts: Record<string, number> = {};
      for (const c of costs) counts[c.command] = (counts[c.command] ?? 0) + 1;
      return counts;
    },
    reset: () => {
      costs = [];
    },
    remove: () => client.middlewareStack.remove(name),
  };
}

type Cost = { part: CostPart; wcu: number; rcu: number };
type Tables = { feed: string; events: string };
type Input = Record<string, unknown>;
type Output = Record<string, unknown> | undefined;

const partitionOf = (input: Input) => ((input.Key ?? input.Item) as Item | undefined)?.p?.S ?? '';
const itemsBytes = (items: Item[] | undefined) =>
  (items ?? []).reduce((sum, item) => sum + itemBytes(item), 0);

function putCost(input: Input, failure: { Item?: Item } | undefined): Cost {
  const key = partitionOf(input);
  const wcu = writeKb(itemBytes(input.Item as Item));
  if (key === 'meta') return { part: CostPart.EndOfFeed, wcu, rcu: 0 };
  if (key.startsWith('y#')) return { part: CostPart.TypeIndex, wcu, rcu: 0 };
  if (!failure) return { part: CostPart.Entries, wcu, rcu: 0 };
  return { part: CostPart.LostRaces, wcu: writeKb(failure.Item ? itemBytes(failure.Item) : 0), rcu: 0 };
}

function updateCost(input: Input): Cost {
  const key = partitionOf(input);
  const part = key.startsWith('s#')
    ? CostPart.DedupState
    : key === 'meta'
      ? CostPart.EndOfFeed
      : CostPart.Other;
  return { part, wcu: 1, rcu: 0 };
}

function getCost(input: Input, output: Output): Cost {
  const item = output?.Item as Item | undefined;
  const part = partitionOf(input) === 'meta' ? CostPart.EndOfFeed : CostPart.Other;
  return { part, wcu: 0, rcu: readUnits(item ? itemBytes(item) : 0, input.ConsistentRead === true) };
}

function batchGetCost(input: Input, output: Output, tables: Tables): Cost {
  const [table, request] =
    Object.entries(input.RequestItems as Record<string, { Keys: Item[]; ConsistentRead?: boolean }>)[0] ?? [];
  const returned = (output?.Responses as Record<string, Item[]> | undefined)?.[table ?? ''] ?? [];
  const unprocessed =
    (output?.UnprocessedKeys as Record<string, { Keys: Item[] }> | undefined)?.[table ?? '']?.Keys.length ??
    0;
  const missing = Math.max(0, (request?.Keys.length ?? 0) - returned.length - unprocessed);
  const strong = request?.ConsistentRead === true;
  const rcu =
    returned.reduce((sum, item) => sum + readUnits(itemBytes(item), strong), 0) +
    missing * (strong ? 1 : 0.5);
  return { part: table === tables.events ? CostPart.Events : CostPart.DedupState, wcu: 0, rcu };
}

function queryCost(input: Input, output: Output, tables: Tables): Cost {
  const rcu = readUnits(itemsBytes(output?.Items as Item[] | undefined), input.ConsistentRead === true);
  if (input.TableName === tables.events) return { part: CostPart.Events, wcu: 0, rcu };
  const partition = (input.ExpressionAttributeValues as Item | undefined)?.[':p']?.S ?? '';
  if (partition.startsWith('y#')) return { part: CostPart.TypeReads, wcu: 0, rcu };
  return { part: input.Limit === 1 ? CostPart.EndOfFeed : CostPart.Batches, wcu: 0, rcu };
}

function cost(
  command: string,
  input: Input,
  output: Output,
  failure: { name?: string; Item?: Item } | undefined,
  tables: Tables,
): Cost {
  switch (command) {
    case 'PutItem':
      return putCost(input, failure);
    case 'UpdateItem':
      return updateCost(input);
    case 'GetItem':
      return getCost(input, output);
    case 'BatchGetItem':
      return batchGetCost(input, output, tables);
    case 'Query':
      return queryCost(input, output, tables);
    case 'Scan': {
      const rcu = readUnits(itemsBytes(output?.Items as Item[] | undefined), input.ConsistentRead === true);
      return { part: CostPart.Scan, wcu: 0, rcu };
    }
    default:
      return { part: CostPart.Other, wcu: 0, rcu: 0 };
  }
}
