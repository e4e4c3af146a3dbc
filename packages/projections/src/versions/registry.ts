import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ProjectionVersionExistsError } from '../errors.js';
import { type ProjectionRef, versionKey } from '../keys.js';
import type { Item, ReadModelTable } from '../storage/read-model-table.js';

/**
 * Status of one version of a projection's read model:
 * - `building`: a rebuild owns it; live handlers only mark streams for catching up;
 * - `ready`: the rebuild finished; live handlers apply to it; readers may switch to it;
 * - `live`: built by live handlers from the first event on (never rebuilt).
 */
export type VersionStatus = 'building' | 'ready' | 'live';

/** The registry entry of a projection version. */
export interface RegistryEntry {
  readonly status: VersionStatus;
  /** The rebuild that owns a `building` version (absent when only prepared). */
  readonly rebuildId?: string;
  readonly createdAt: string;
  readonly readyAt?: string;
}

export async function readVersion(
  table: ReadModelTable,
  ref: ProjectionRef,
): Promise<RegistryEntry | undefined> {
  return decodeVersion(await table.get(versionKey(ref)));
}

export function decodeVersion(item: Item | undefined): RegistryEntry | undefined {
  if (!item) return undefined;
  const status = item.status?.S;
  return {
    status: status === 'building' || status === 'ready' ? status : 'live',
    createdAt: item.createdAt?.S ?? '',
    ...(item.rebuildId?.S ? { rebuildId: item.rebuildId.S } : {}),
    ...(item.readyAt?.S ? { readyAt: item.readyAt.S } : {}),
  };
}

/**
 * Creates the entry of a version unless one exists; returns what is there afterwards. Live
 * handlers register unknown versions as `live`; `prepareProjectionVersion` as `building`. The
 * condition makes the first writer win, so a rebuild never starts over a live-built version.
 */
export async function registerVersion(
  table: ReadModelTable,
  ref: ProjectionRef,
  status: 'building' | 'live',
  now: string,
): Promise<RegistryEntry> {
  try {
    await table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: {
          ...versionKey(ref),
          status: { S: status },
          createdAt: { S: now },
          projection: { S: ref.name },
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': 'pk' },
      }),
    );
    return { status, createdAt: now };
  } catch (error) {
    if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    const existing = await readVersion(table, ref);
    if (!existing) throw error;
    return existing;
  }
}

/**
 * Makes `rebuildId` the owner of a `building` version that no rebuild owns yet; throws
 * {@link ProjectionVersionExistsError} when the version is live, ready, or owned by another rebuild.
 */
export async function claimVersion(
  table: ReadModelTable,
  ref: ProjectionRef,
  rebuildId: string,
  now: string,
): Promise<void> {
  const record = await registerVersion(table, ref, 'building', now);
  const conflict = () =>
    new ProjectionVersionExistsError({ projection: ref.name, version: ref.version, status: record.status });
  if (record.status !== 'building' || record.rebuildId !== undefined) throw conflict();
  try {
    await table.client.send(
      new UpdateItemCommand({
        TableName: table.tableName,
        Key: versionKey(ref),
        UpdateExpression: 'SET #rebuildId = :id',
        ConditionExpression: '#status = :building AND attribute_not_exists(#rebuildId)',
        ExpressionAttributeNames: { '#status': 'status', '#rebuildId': 'rebuildId' },
        ExpressionAttributeValues: { ':id': { S: rebuildId }, ':building': { S: 'building' } },
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') throw conflict();
    throw error;
  }
}

/** Marks a version built by `rebuildId` ready. From then on live handlers apply to it. */
export async function markVersionReady(
  table: ReadModelTable,
  ref: ProjectionRef,
  rebuildId: string,
  stats: Record<string, number>,
  now: string,
): Promise<void> {
  const values = Object.fromEntries(
    Object.entries(stats).map(([name, value]) => [`:${name}`, { N: String(value) }]),
  );
  const names = Object.fromEntries(Object.keys(stats).map((name) => [`#${name}`, name]));
  const sets = Object.keys(stats).map((name) => `#${name} = :${name}`);
  await table.client.send(
    new UpdateItemCommand({
      TableName: table.tableName,
      Key: versionKey(ref),
      UpdateExpression: `SET #status = :ready, #readyAt = :now${sets.map((set) => `, ${set}`).join('')}`,
      ConditionExpression: '#status = :building AND #rebuildId = :id',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#readyAt': 'readyAt',
        '#rebuildId': 'rebuildId',
        ...names,
      },
      ExpressionAttributeValues: {
        ':ready': { S: 'ready' },
        ':building': { S: 'building' },
        ':id': { S: rebuildId },
        ':now': { S: now },
        ...values,
      },
    }),
  );
}
