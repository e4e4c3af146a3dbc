import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { type Logger, mapLimit } from '@dynamo-es/event-store';
import type { Projection } from '@dynamo-es/projections';
import { type ApplyRules, applyStream, isParked, StreamCheckpoints } from '@dynamo-es/projections/internal';
import { resolveClaimCheck } from '../claim-check/s3-claim-check.js';
import { type MessageEnvelope, parseEnvelope } from '../envelope.js';
import { chainFrom } from './message-chain.js';
import { messageEvent, sourceStreamKey } from './message-event.js';

/** One delivered message: the transport's id for it (to report it failed) and its body. */
export interface DeliveredMessage {
  readonly itemId: string;
  readonly body: string;
}

/** What one batch did, for logs and reports. */
export interface ConsumeStats {
  received: number;
  /** Messages applied (by at least one projection). */
  applied: number;
  /** Messages already applied, suppressed. */
  duplicates: number;
  /** Messages reported for redelivery (waiting for a predecessor, failing, unreadable). */
  failed: number;
}

export interface ConsumeConfig {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly projections: readonly Projection[];
  readonly rules: ApplyRules;
  readonly claimCheck: { readonly client: S3Client } | undefined;
  readonly logger: Logger;
  readonly now: () => Date;
}

/**
 * Applies a batch of messages to the consumer's projections through the projections engine:
 * per (projection, source stream), a checkpoint of the last stream version applied, written
 * atomically with the read-model changes; duplicates skipped; a message whose predecessor has not
 * been applied waits (redelivered later); the poison policy of projections (attempts, dead letter,
 * parked stream). Returns the item ids to report failed.
 */
export async function consume(config: ConsumeConfig, delivered: readonly DeliveredMessage[]) {
  const stats: ConsumeStats = { received: delivered.length, applied: 0, duplicates: 0, failed: 0 };
  const failed = new Set<string>();
  const envelopes = await readAll(config, delivered, stats, failed);
  const byStream = new Map<string, MessageEnvelope[]>();
  for (const { envelope } of envelopes.values()) {
    const key = sourceStreamKey(envelope);
    byStream.set(key, [...(byStream.get(key) ?? []), envelope]);
  }
  const applied = new Set<string>();
  const duplicateCounts = new Map<string, number>();
  for (const projection of config.projections) {
    const outcome = await applyToProjection(config, projection, byStream);
    for (const id of outcome.failed) failed.add(id);
    for (const id of outcome.applied) applied.add(id);
    for (const id of outcome.duplicates) duplicateCounts.set(id, (duplicateCounts.get(id) ?? 0) + 1);
  }
  const failedItemIds = itemIdsOf(failed, envelopes);
  for (const [id, count] of duplicateCounts) {
    // Suppressed: every projection had applied it already.
    if (count === config.projections.length && !failed.has(id)) stats.duplicates++;
  }
  stats.applied = [...applied].filter((id) => !failed.has(id)).length;
  stats.failed = failedItemIds.size;
  return { failedItemIds, stats };
}

/** The transport's ids of the failed messages (every copy), and of the unreadable items. */
function itemIdsOf(
  failed: ReadonlySet<string>,
  envelopes: ReadonlyMap<string, { readonly itemIds: readonly string[] }>,
) {
  const itemIds = new Set<string>();
  for (const id of failed) {
    const known = envelopes.get(id);
    if (!known) itemIds.add(id);
    else for (const itemId of known.itemIds) itemIds.add(itemId);
  }
  return itemIds;
}

/** The delivered messages by id (copies of one message together); unreadable ones go to `failed`. */
async function readAll(
  config: ConsumeConfig,
  delivered: readonly DeliveredMessage[],
  stats: ConsumeStats,
  failed: Set<string>,
): Promise<Map<string, { envelope: MessageEnvelope; itemIds: string[] }>> {
  const envelopes = new Map<string, { envelope: MessageEnvelope; itemIds: string[] }>();
  await mapLimit(delivered, 16, async ({ itemId, body }) => {
    try {
      const envelope = await readEnvelope(config, body);
      const known = envelopes.get(envelope.id);
      if (known) {
        known.itemIds.push(itemId);
        stats.duplicates++;
      } else envelopes.set(envelope.id, { envelope, itemIds: [itemId] });
    } catch (error) {
      failed.add(itemId);
      safely(() => config.logger.error('dynamo-es: message not readable', { itemId, error: String(error) }));
    }
  });
  return envelopes;
}

async function readEnvelope(config: ConsumeConfig, body: string): Promise<MessageEnvelope> {
  const envelope = parseEnvelope(unwrapSns(body));
  if (envelope.claimCheck === undefined) return envelope;
  if (!config.claimCheck)
    throw new Error(`message ${envelope.id} is claim-checked: give the consumer claimCheck: { client: s3 }`);
  return resolveClaimCheck(envelope, config.claimCheck);
}

/** An SQS body from an SNS subscription without raw message delivery is an SNS notification. */
function unwrapSns(body: string): string {
  if (!body.startsWith('{') || !body.includes('"Notification"')) return body;
  try {
    const notification = JSON.parse(body) as { Type?: unknown; Message?: unknown };
    return notification.Type === 'Notification' && typeof notification.Message === 'string'
      ? notification.Message
      : body;
  } catch {
    return body;
  }
}

/** One projection over the batch's streams, applied one stream after the other (serialisable), then written. */
async function applyToProjection(
  config: ConsumeConfig,
  projection: Projection,
  byStream: ReadonlyMap<string, readonly MessageEnvelope[]>,
) {
  const failed = new Set<string>();
  const applied = new Set<string>();
  const duplicates = new Set<string>();
  const checkpoints = new StreamCheckpoints({
    client: config.client,
    tableName: config.tableName,
    unit: projection,
  });
  const failAll = (messages: readonly MessageEnvelope[]) => {
    for (const message of messages) failed.add(message.id);
  };
  try {
    await checkpoints.load([...byStream.keys()]);
  } catch (error) {
    for (const messages of byStream.values()) failAll(messages);
    return { failed, applied, duplicates, error };
  }
  const pending = new Map<string, MessageEnvelope[]>();
  for (const [key, messages] of byStream) {
    const checkpoint = checkpoints.checkpoint(key);
    // A parked stream keeps its messages in the transport (its retries, then its dead-letter queue).
    if (isParked(checkpoint)) {
      failAll(messages);
      continue;
    }
    const chain = chainFrom(checkpoint.version, messages);
    for (const message of chain.duplicates) duplicates.add(message.id);
    failAll(chain.waiting);
    const { step, done, held } = await applyChain(config, {
      projection,
      key,
      checkpoints,
      ready: chain.ready,
    });
    failAll(held);
    pending.set(key, done);
    await checkpoints.stage(step, config.now());
  }
  const written = await checkpoints.commit(config.now());
  const unwritten = new Set([...written.conflicted, ...written.failed.map((f) => f.streamId)]);
  for (const [key, messages] of pending) {
    // Committed, or nothing to write (no handler of this projection takes them): done.
    if (unwritten.has(key)) failAll(messages);
    else for (const message of messages) applied.add(message.id);
  }
  return { failed, applied, duplicates };
}

/** Runs a stream's ready messages through the engine: those it went past, and those it held back. */
async function applyChain(
  config: ConsumeConfig,
  input: {
    projection: Projection;
    key: string;
    checkpoints: StreamCheckpoints;
    ready: readonly MessageEnvelope[];
  },
) {
  const checkpoint = input.checkpoints.checkpoint(input.key);
  const step = await applyStream({
    projection: input.projection,
    streamId: input.key,
    checkpoint,
    events: input.ready.map(messageEvent),
    state: input.checkpoints.view(),
    rules: config.rules,
    now: config.now(),
  });
  // Past the checkpoint the step writes: held back (a retried, parked or unfinished stream).
  const finished = step.checkpoint?.parkedAt === undefined && step.outcome.kind === 'done';
  const upTo = finished ? Number.POSITIVE_INFINITY : (step.checkpoint?.version ?? checkpoint.version);
  return {
    step,
    done: input.ready.filter((message) => message.streamVersion <= upTo),
    held: input.ready.filter((message) => message.streamVersion > upTo),
  };
}

function safely(report: () => void): void {
  try {
    report();
  } catch {
    // A logger that throws never fails a batch.
  }
}
