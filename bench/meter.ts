import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Requests and bytes one client sends, and the items it reads and writes, per command. */
export interface Meter {
  requests(): number;
  byCommand(): Record<string, number>;
  bytesSent(): number;
  /** Items returned by reads (`Items` of a Query/Scan page, `Item` of a GetItem), optionally of one command. */
  itemsRead(command?: string): number;
  /** Items written: one per put/update/delete, each item of a transaction or batch write. */
  itemsWritten(): number;
  reset(): void;
  remove(): void;
}

let meters = 0;

/**
 * Meters a client with SDK middleware: one count per `send()` (SDK retries excluded) and the
 * size of each HTTP request body, i.e. exactly what goes over the wire to DynamoDB.
 */
export function meter(client: DynamoDBClient): Meter {
  const name = `bench-meter-${++meters}`;
  let counts: Record<string, number> = {};
  let read: Record<string, number> = {};
  let written = 0;
  let bytes = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'Unknown';
      counts[command] = (counts[command] ?? 0) + 1;
      written += itemsWrittenBy(command, args.input);
      const result = await next(args);
      const output = result.output as { Items?: unknown[]; Item?: unknown };
      const items = output.Items?.length ?? (output.Item === undefined ? 0 : 1);
      read[command] = (read[command] ?? 0) + items;
      return result;
    },
    { step: 'initialize', name: `${name}-count` },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      const body = (args.request as { body?: unknown }).body;
      if (typeof body === 'string') bytes += Buffer.byteLength(body);
      else if (body instanceof Uint8Array) bytes += body.byteLength;
      return next(args);
    },
    { step: 'finalizeRequest', name: `${name}-bytes` },
  );
  return {
    requests: () => Object.values(counts).reduce((sum, n) => sum + n, 0),
    byCommand: () => ({ ...counts }),
    bytesSent: () => bytes,
    itemsRead: (command) =>
      command === undefined ? Object.values(read).reduce((sum, n) => sum + n, 0) : (read[command] ?? 0),
    itemsWritten: () => written,
    reset: () => {
      counts = {};
      read = {};
      written = 0;
      bytes = 0;
    },
    remove: () => {
      client.middlewareStack.remove(`${name}-count`);
      client.middlewareStack.remove(`${name}-bytes`);
    },
  };
}

function itemsWrittenBy(command: string, input: unknown): number {
  const request = input as { TransactItems?: unknown[]; RequestItems?: Record<string, unknown[]> };
  if (command === 'TransactWriteItemsCommand') return request.TransactItems?.length ?? 0;
  if (command === 'BatchWriteItemCommand') {
    return Object.values(request.RequestItems ?? {}).reduce((sum, items) => sum + items.length, 0);
  }
  return ['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand'].includes(command) ? 1 : 0;
}

/** Runs `work` and returns its rate in units per second. */
export async function rate(units: number, work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return units / ((performance.now() - started) / 1000);
}

/** Median of the results of `runs` alternating trials, to damp noise on a shared machine. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Runs `count` tasks with at most `concurrency` in flight. */
export async function pool(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** WCU of a standard write of `bytes` (1 per KB, rounded up); transactions bill twice. */
export const writeUnits = (bytes: number, transactional = false) =>
  Math.ceil(bytes / 1024) * (transactional ? 2 : 1);
/** RCU of a strongly consistent read of `bytes` (1 per 4 KB, rounded up, summed over the page). */
export const readUnits = (bytes: number) => Math.ceil(bytes / 4096);
