import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** One request a client sent: its command, the first version a Query asked for, and the items it got. */
export interface MeteredRequest {
  readonly command: string;
  /** `:lowest` of an event query (the first version read), when the request had one. */
  readonly fromVersion?: number;
  readonly items: number;
  readonly failed: boolean;
}

export interface ReadMeter {
  readonly requests: () => MeteredRequest[];
  /** Items returned by Query and GetItem. */
  readonly itemsRead: () => number;
  readonly count: (command?: string) => number;
  readonly reset: () => void;
}

let meters = 0;

/** Records what one client sends and how many items come back, with SDK middleware (one entry per `send()`). */
export function meterReads(client: DynamoDBClient): ReadMeter {
  let requests: MeteredRequest[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'Unknown';
      const input = args.input as { ExpressionAttributeValues?: Record<string, { N?: string }> };
      const lowest = input.ExpressionAttributeValues?.[':lowest']?.N;
      const entry = { command, ...(lowest === undefined ? {} : { fromVersion: Number(lowest) }) };
      try {
        const result = await next(args);
        const output = result.output as { Items?: unknown[]; Item?: unknown };
        const items = output.Items?.length ?? (output.Item === undefined ? 0 : 1);
        requests.push({ ...entry, items, failed: false });
        return result;
      } catch (error) {
        requests.push({ ...entry, items: 0, failed: true });
        throw error;
      }
    },
    { step: 'initialize', name: `aggregate-test-meter-${++meters}` },
  );
  return {
    requests: () => [...requests],
    itemsRead: () => requests.reduce((sum, request) => sum + request.items, 0),
    count: (command) =>
      requests.filter((request) => command === undefined || request.command === command).length,
    reset: () => {
      requests = [];
    },
  };
}
