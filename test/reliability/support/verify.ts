import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { decodeEventItem, type StoredEvent, UpcasterChain } from '@dynamo-es/event-store';
import { type Projection, projectInMemory, ReadModels } from '@dynamo-es/projections';
import type { LedgerDoc, LedgerEvent } from './ledger.js';

/** An event a command was told is stored (its append or update resolved). */
export interface Acknowledged {
  readonly commandId: string;
  readonly streamId: string;
  readonly version: number;
  readonly eventId: string;
}

/** Every event of the table, read back with a strongly consistent scan, sorted by stream and version. */
export async function readAllEvents(
  client: DynamoDBClient,
  tableName: string,
): Promise<StoredEvent<LedgerEvent>[]> {
  const events: StoredEvent<LedgerEvent>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey }),
    );
    for (const item of page.Items ?? []) events.push(decodeEventItem(item) as StoredEvent<LedgerEvent>);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return events.sort((a, b) =>
    a.streamId === b.streamId ? a.version - b.version : a.streamId < b.streamId ? -1 : 1,
  );
}

export interface StoreExpectations {
  /** Events whose command resolved. */
  readonly acknowledged: readonly Acknowledged[];
  /**
   * Commands that failed and may or may not have been written (their answer was lost). Any other
   * stored command must be acknowledged; by default every failure is known to have written nothing.
   */
  readonly ambiguous?: ReadonlySet<string>;
}

/**
 * Compares what the store holds with what commands were told. Returns the problems found (empty
 * when all is well): versions not contiguous from 1, a command or event id stored twice, an
 * acknowledged event missing or stored elsewhere, an event stored for a command that failed.
 */
export function storeProblems(
  events: readonly StoredEvent<LedgerEvent>[],
  expected: StoreExpectations,
): string[] {
  const problems: string[] = [];
  const byCommand = new Map<string, StoredEvent<LedgerEvent>>();
  const eventIds = new Set<string>();
  let streamId: string | undefined;
  let version = 0;
  for (const event of events) {
    if (event.streamId !== streamId) {
      streamId = event.streamId;
      version = 0;
    }
    if (event.version !== version + 1)
      problems.push(`${event.streamId}: version ${event.version} after ${version}`);
    version = event.version;
    if (eventIds.has(event.eventId)) problems.push(`event id ${event.eventId} stored twice`);
    eventIds.add(event.eventId);
    const commandId = event.data.commandId;
    if (byCommand.has(commandId)) problems.push(`command ${commandId} stored twice`);
    byCommand.set(commandId, event);
  }
  const acknowledged = new Set<string>();
  for (const ack of expected.acknowledged) {
    acknowledged.add(ack.commandId);
    const stored = byCommand.get(ack.commandId);
    if (!stored)
      problems.push(`acknowledged command ${ack.commandId} (${ack.streamId} v${ack.version}) is lost`);
    else if (
      stored.streamId !== ack.streamId ||
      stored.version !== ack.version ||
      stored.eventId !== ack.eventId
    ) {
      problems.push(
        `command ${ack.commandId} acknowledged as ${ack.streamId} v${ack.version} ${ack.eventId}, stored as ${stored.streamId} v${stored.version} ${stored.eventId}`,
      );
    }
  }
  for (const [commandId, event] of byCommand) {
    if (!acknowledged.has(commandId) && !expected.ambiguous?.has(commandId)) {
      problems.push(`command ${commandId} failed but is stored (${event.streamId} v${event.version})`);
    }
  }
  return problems;
}

/** The read model as stored, and the fold of the store's events through the same projection. */
export async function readModelAndFold(options: {
  readonly client: DynamoDBClient;
  readonly readModelTable: string;
  readonly projection: Projection<LedgerEvent, LedgerDoc>;
  readonly events: readonly StoredEvent<LedgerEvent>[];
}): Promise<{ stored: Record<string, LedgerDoc>; folded: Record<string, LedgerDoc> }> {
  // Reading needs no event store: any table name will do for it.
  const eventStore = { tableName: 'events', client: options.client, upcasters: new UpcasterChain() };
  const readModels = new ReadModels({
    client: options.client,
    eventStore,
    tableName: options.readModelTable,
  });
  const reader = readModels.reader<LedgerDoc>(options.projection, { pointerTtlMs: 0 });
  const stored = Object.fromEntries([...(await reader.list())].sort(byKey));
  const folded = Object.fromEntries(
    [...(await projectInMemory(options.projection, options.events))].sort(byKey),
  );
  return { stored, folded };
}

const byKey = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
