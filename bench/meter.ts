import { type AttributeValue, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';

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

type Item = Record<string, AttributeValue>;

/** One request as a meter sees it once it is answered: what it sent, and what came back or the error. */
export interface ObservedRequest {
  /** `PutItemCommand`, `QueryCommand`, ... */
  readonly command: string;
  readonly input: Record<string, unknown>;
  readonly output: Record<string, unknown> | undefined;
  /** A conditional failure carries the item it found (`ReturnValuesOnConditionCheckFailure`). */
  readonly failure: { name?: string; Item?: Item } | undefined;
}

/**
 * Adds a middleware named `name` that hands every request of `client` to `observe` once it was
 * answered or failed (awaited before the caller gets the answer); remove it by that name.
 */
export function observeRequests(
  client: DynamoDBClient,
  name: string,
  observe: (request: ObservedRequest) => void | Promise<void>,
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'Unknown';
      const input = args.input as Record<string, unknown>;
      let output: Record<string, unknown> | undefined;
      let failure: ObservedRequest['failure'];
      try {
        const result = await next(args);
        output = result.output as unknown as Record<string, unknown>;
        return result;
      } catch (error) {
        failure = error as ObservedRequest['failure'];
        throw error;
      } finally {
        await observe({ command, input, output, failure });
      }
    },
    { step: 'initialize', name },
  );
}

/** What one request cost, estimated from the items it wrote and read. */
export interface RequestCost {
  readonly command: string;
  readonly ok: boolean;
  /** Sizes of the items put (PutItem, each Put of a transaction, each put of a batch). */
  readonly itemsPut: readonly number[];
  readonly conditionChecks: number;
  readonly itemsRead: number;
  readonly wcu: number;
  readonly rcu: number;
}

/** Costs of the requests one client sent, and the exact `Item`s it put. */
export interface CapacityMeter {
  costs(): readonly RequestCost[];
  /** `args.input.Item` of every PutItem sent, every `Put.Item` of a transaction or batch. */
  itemsSent(): readonly Item[];
  wcu(): number;
  rcu(): number;
  reset(): void;
  remove(): void;
}

/**
 * Estimates the capacity AWS would bill for each request a client sends (DynamoDB Local reports
 * none), from the items actually sent and returned, with AWS's rounding:
 * - a standard write bills ceil(item KB) WCU; a conditional write that fails bills the size of the
 *   item it found (ALL_OLD returns it), at least 1 WCU;
 * - a transaction bills twice that per item, ConditionCheck items included (sized by reading the
 *   checked item with `lookup`, an unmetered client, after the request);
 * - a Query bills ceil(sum of the returned item sizes / 4 KB) RCU, at least 1, half when
 *   eventually consistent; a GetItem the same for its one item; a BatchGetItem each item (found or
 *   not) as a GetItem;
 * - an UpdateItem or DeleteItem, and each Delete or Update of a transaction, as a 1 KB item (the
 *   request does not carry the size of the item it changes).
 */
export function capacityMeter(
  client: DynamoDBClient,
  lookup: DynamoDBClient,
  size: (item: Item) => number,
): CapacityMeter {
  const name = `bench-capacity-${++meters}`;
  let costs: RequestCost[] = [];
  let sent: Item[] = [];
  observeRequests(client, name, async ({ command, input, output, failure }) => {
    const puts = itemsPutBy(command, input);
    sent.push(...puts);
    costs.push(await billed({ command, input, puts, output, failure }, lookup, size));
  });
  return {
    costs: () => [...costs],
    itemsSent: () => [...sent],
    wcu: () => costs.reduce((sum, cost) => sum + cost.wcu, 0),
    rcu: () => costs.reduce((sum, cost) => sum + cost.rcu, 0),
    reset: () => {
      costs = [];
      sent = [];
    },
    remove: () => client.middlewareStack.remove(name),
  };
}

const writeKb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** The cost of one request, from what it sent and what came back (see {@link capacityMeter}). */
async function billed(
  request: {
    command: string;
    input: Record<string, unknown>;
    puts: readonly Item[];
    output: Record<string, unknown> | undefined;
    failure: { name?: string; Item?: Item } | undefined;
  },
  lookup: DynamoDBClient,
  size: (item: Item) => number,
): Promise<RequestCost> {
  const { command, input, output, failure } = request;
  const itemsPut = request.puts.map(size);
  const checks = conditionChecksOf(command, input);
  const items = (output?.Items as Item[] | undefined) ?? (output?.Item ? [output.Item as Item] : []);
  let wcu = 0;
  let rcu = 0;
  if (command === 'PutItemCommand') {
    const old = failure?.name === 'ConditionalCheckFailedException' ? failure.Item : undefined;
    wcu = failure ? writeKb(old ? size(old) : 0) : writeKb(itemsPut[0] ?? 0);
  } else if (command === 'UpdateItemCommand' || command === 'DeleteItemCommand') {
    // Sized by the item they change, which the request does not carry: counted as 1 KB.
    wcu = 1;
  } else if (command === 'TransactWriteItemsCommand') {
    wcu = itemsPut.reduce((sum, bytes) => sum + 2 * writeKb(bytes), 0);
    wcu += 2 * otherWritesOf(input);
    for (const key of checks) wcu += 2 * writeKb(await checkedItemBytes(lookup, key, size));
  } else if (command === 'BatchWriteItemCommand') {
    wcu = itemsPut.reduce((sum, bytes) => sum + writeKb(bytes), 0);
    wcu += batchDeletesOf(input);
  } else {
    rcu = readUnitsOf(command, input, output, items, size);
  }
  return {
    command,
    ok: failure === undefined,
    itemsPut,
    conditionChecks: checks.length,
    itemsRead: items.length,
    wcu,
    rcu,
  };
}

function itemsPutBy(command: string, input: Record<string, unknown>): Item[] {
  if (command === 'PutItemCommand') return [input.Item as Item];
  if (command === 'TransactWriteItemsCommand') {
    return ((input.TransactItems as { Put?: { Item: Item } }[] | undefined) ?? []).flatMap((action) =>
      action.Put ? [action.Put.Item] : [],
    );
  }
  if (command === 'BatchWriteItemCommand') {
    return Object.values((input.RequestItems as Record<string, { PutRequest?: { Item: Item } }[]>) ?? {})
      .flat()
      .flatMap((request) => (request.PutRequest ? [request.PutRequest.Item] : []));
  }
  return [];
}

/** RCU of a read: a Query, Scan or GetItem by the bytes returned, a BatchGetItem per item. */
function readUnitsOf(
  command: string,
  input: Record<string, unknown>,
  output: Record<string, unknown> | undefined,
  items: readonly Item[],
  size: (item: Item) => number,
): number {
  if (command === 'BatchGetItemCommand') return batchGetUnits(input, output, size);
  if (command !== 'QueryCommand' && command !== 'GetItemCommand' && command !== 'ScanCommand') return 0;
  const bytes = items.reduce((sum, item) => sum + size(item), 0);
  return Math.max(1, Math.ceil(bytes / 4096)) * (input.ConsistentRead === true ? 1 : 0.5);
}

/** Each item of a BatchGetItem is billed as its own GetItem (at least 1 RCU each, found or not). */
function batchGetUnits(
  input: Record<string, unknown>,
  output: Record<string, unknown> | undefined,
  size: (item: Item) => number,
): number {
  const requests = Object.values((input.RequestItems as Record<string, BatchGetRequest>) ?? {});
  const found = Object.values((output?.Responses as Record<string, Item[]> | undefined) ?? {}).flat();
  const keys = requests.reduce((sum, request) => sum + request.Keys.length, 0);
  const units = found.reduce((sum, item) => sum + Math.max(1, Math.ceil(size(item) / 4096)), 0);
  const factor = requests.every((request) => request.ConsistentRead === true) ? 1 : 0.5;
  return (units + keys - found.length) * factor;
}

type BatchGetRequest = { readonly Keys: unknown[]; readonly ConsistentRead?: boolean };

/** Deletes and updates of a transaction, counted as 1 KB items (their size is not in the request). */
function otherWritesOf(input: Record<string, unknown>): number {
  return ((input.TransactItems as { Delete?: unknown; Update?: unknown }[] | undefined) ?? []).filter(
    (action) => action.Delete !== undefined || action.Update !== undefined,
  ).length;
}

function batchDeletesOf(input: Record<string, unknown>): number {
  return Object.values((input.RequestItems as Record<string, { DeleteRequest?: unknown }[]>) ?? {})
    .flat()
    .filter((request) => request.DeleteRequest !== undefined).length;
}

function conditionChecksOf(command: string, input: Record<string, unknown>) {
  if (command !== 'TransactWriteItemsCommand') return [];
  return ((input.TransactItems as { ConditionCheck?: { TableName: string; Key: Item } }[]) ?? [])
    .map((action) => action.ConditionCheck)
    .filter((check) => check !== undefined);
}

async function checkedItemBytes(
  lookup: DynamoDBClient,
  check: { TableName: string; Key: Item },
  size: (item: Item) => number,
): Promise<number> {
  const { Item } = await lookup.send(
    new GetItemCommand({ TableName: check.TableName, Key: check.Key, ConsistentRead: true }),
  );
  return Item ? size(Item) : 0;
}
