import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ProjectionVersionExistsError } from '../errors.js';
import type { ProjectionRef } from '../keys.js';
import { ReadModelTable } from '../storage/read-model-table.js';
import { registerVersion } from './registry.js';

/**
 * Options of {@link prepareProjectionVersion}.
 *
 * @example
 * const options: PrepareVersionOptions = { client, tableName: 'read-models', projection: accountsV2 };
 */
export interface PrepareVersionOptions {
  readonly client: DynamoDBClient;
  /** The read-model table. */
  readonly tableName: string;
  /** The projection version to prepare (a projection from `defineProjection`, or `{ name, version }`). */
  readonly projection: ProjectionRef;
  readonly now?: () => Date;
}

/**
 * Registers a projection version as `building` before its rebuild starts, so that live handlers
 * deployed with it mark every stream they see instead of applying (or registering it `live`).
 * Then deploy the handlers, then run {@link rebuildProjection}: no event appended in between is
 * missed. Idempotent for a version that is prepared and not yet rebuilt.
 *
 * @example
 * await prepareProjectionVersion({ client, tableName: 'events-read-models', projection: accountsV2 });
 */
export async function prepareProjectionVersion(options: PrepareVersionOptions): Promise<void> {
  const table = new ReadModelTable(options.client, options.tableName);
  const ref = { name: options.projection.name, version: options.projection.version };
  const record = await registerVersion(table, ref, 'building', (options.now?.() ?? new Date()).toISOString());
  if (record.status !== 'building' || record.rebuildId !== undefined) {
    throw new ProjectionVersionExistsError({
      projection: ref.name,
      version: ref.version,
      status: record.status,
    });
  }
}
