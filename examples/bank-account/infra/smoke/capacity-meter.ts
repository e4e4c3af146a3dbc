import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Commands that accept `ReturnConsumedCapacity`; others would reject the unknown field. */
const WITH_CAPACITY = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
  'TransactGetItemsCommand',
  'TransactWriteItemsCommand',
]);

const READS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
]);

/** Requests, and capacity units DynamoDB reported, per command. */
export interface CapacityTotals {
  readonly requests: number;
  readonly readCapacityUnits: number;
  readonly writeCapacityUnits: number;
  readonly capacityUnits: number;
}

/** Counts what a client sends and the capacity DynamoDB says it consumed. */
export interface CapacityMeter {
  /** Per command name, e.g. `PutItemCommand`. */
  byCommand(): ReadonlyMap<string, CapacityTotals>;
  total(): CapacityTotals;
  reset(): void;
}

const empty = (): CapacityTotals => ({
  requests: 0,
  readCapacityUnits: 0,
  writeCapacityUnits: 0,
  capacityUnits: 0,
});

/**
 * Asks DynamoDB for `ReturnConsumedCapacity: 'TOTAL'` on every request of `client` that takes it
 * (unless the caller asked for more) and adds up what it answers: the capacity AWS bills, which
 * DynamoDB Local only approximates.
 *
 * @example
 * const meter = meterCapacity(client);
 * await store.append(...);
 * console.log(meter.total().writeCapacityUnits);
 */
export function meterCapacity(client: DynamoDBClient): CapacityMeter {
  const totals = new Map<string, CapacityTotals>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      const input = args.input as { ReturnConsumedCapacity?: string };
      if (WITH_CAPACITY.has(command)) input.ReturnConsumedCapacity ??= 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] })
        .ConsumedCapacity;
      const before = totals.get(command) ?? empty();
      const entries = consumed === undefined ? [] : [consumed].flat();
      // With 'TOTAL' DynamoDB may answer CapacityUnits alone: the command says whether they are reads.
      const read = READS.has(command);
      totals.set(command, {
        requests: before.requests + 1,
        readCapacityUnits:
          before.readCapacityUnits + sum(entries, (e) => e.ReadCapacityUnits ?? (read ? e.CapacityUnits : 0)),
        writeCapacityUnits:
          before.writeCapacityUnits +
          sum(entries, (e) => e.WriteCapacityUnits ?? (read ? 0 : e.CapacityUnits)),
        capacityUnits: before.capacityUnits + sum(entries, (e) => e.CapacityUnits),
      });
      return result;
    },
    { step: 'initialize', name: 'dynamoEsCapacityMeter' },
  );
  return {
    byCommand: () => new Map(totals),
    total: () =>
      [...totals.values()].reduce(
        (all, one) => ({
          requests: all.requests + one.requests,
          readCapacityUnits: all.readCapacityUnits + one.readCapacityUnits,
          writeCapacityUnits: all.writeCapacityUnits + one.writeCapacityUnits,
          capacityUnits: all.capacityUnits + one.capacityUnits,
        }),
        empty(),
      ),
    reset: () => totals.clear(),
  };
}

const sum = (entries: readonly ConsumedCapacity[], pick: (entry: ConsumedCapacity) => number | undefined) =>
  entries.reduce((total, entry) => total + (pick(entry) ?? 0), 0);
