import {
  type AttributeValue,
  type DynamoDBClient,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';

/**
 * Reads the bookkeeping items `@dynamo-es/projections` keeps in the read-model table, following the
 * layout its README documents under "Table schema" (the package has no function listing them yet):
 *
 * | item | pk | sk |
 * | --- | --- | --- |
 * | checkpoint | `cp#<projection>#<version>#<streamId>` | `cp` |
 * | version registry | `pv#<projection>` | `v#<version, 16 digits>` |
 * | active version pointer | `pv#<projection>` | `active` |
 *
 * Checkpoints are one partition each (no hot key), so listing them is a `Scan` of the read-model
 * table: its cost is the size of the whole table, documents included (eventually consistent, so half).
 */
export interface ProjectionItems {
  readonly versions: readonly RegisteredVersion[];
  /** Active version of each projection that was ever switched. */
  readonly active: ReadonlyMap<string, number>;
  readonly checkpoints: readonly StreamCheckpoint[];
}

/** A projection version in the registry. */
export interface RegisteredVersion {
  readonly projection: string;
  readonly version: number;
  /** `building` (a rebuild owns it), `ready` (rebuilt), `live` (built by live handlers). */
  readonly status: string;
  readonly createdAt?: string;
  readonly readyAt?: string;
  /** Counts a finished rebuild recorded. */
  readonly rebuilt?: { readonly events: number; readonly streams: number; readonly documentsWritten: number };
}

/** Where a projection version is in one stream. */
export interface StreamCheckpoint {
  readonly projection: string;
  readonly projectionVersion: number;
  readonly streamId: string;
  /** Last applied event version. */
  readonly version: number;
  /** When the checkpoint was last written. */
  readonly at?: string;
  /** Set when the stream is parked behind a dead-lettered event. */
  readonly parkedAt?: number;
  /** The event version that is failing, its failed attempts and last error (retries under way). */
  readonly failedVersion?: number;
  readonly attempts?: number;
  readonly lastError?: string;
}

const CHECKPOINT = 'cp#';
const VERSIONS = 'pv#';
const ATTRIBUTES = [
  'pk',
  'sk',
  'streamId',
  'version',
  'at',
  'parkedAt',
  'failedVersion',
  'attempts',
  'lastError',
  'status',
  'createdAt',
  'readyAt',
  'events',
  'streams',
  'documentsWritten',
];
const SEGMENTS = 4;

type Item = Record<string, AttributeValue>;

/**
 * Scans the read-model table for registry entries and (unless `registryOnly`) checkpoints, of one
 * projection if named.
 */
export async function scanProjectionItems(
  client: DynamoDBClient,
  tableName: string,
  options: { readonly projection?: string; readonly registryOnly?: boolean } = {},
): Promise<ProjectionItems> {
  const names = Object.fromEntries(ATTRIBUTES.map((name, index) => [`#a${index}`, name]));
  const { filter, values } = scanFilter(options.projection, options.registryOnly === true);
  const items: Item[] = [];
  await Promise.all(
    Array.from({ length: SEGMENTS }, async (_, segment) => {
      let ExclusiveStartKey: Item | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: tableName,
            Segment: segment,
            TotalSegments: SEGMENTS,
            FilterExpression: filter,
            ProjectionExpression: Object.keys(names).join(', '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
          }),
        );
        items.push(...(page.Items ?? []));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    }),
  );
  return decodeItems(items);
}

/**
 * The registered versions of one projection (a `Query` of its registry partition), or of every
 * projection (a `Scan` of the read-model table, filtered to the registry).
 */
export async function listRegisteredVersions(
  client: DynamoDBClient,
  tableName: string,
  projection?: string,
): Promise<ProjectionItems> {
  if (projection === undefined) return scanProjectionItems(client, tableName, { registryOnly: true });
  const items: Item[] = [];
  let ExclusiveStartKey: Item | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':pk': { S: `${VERSIONS}${projection}` } },
        ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return decodeItems(items);
}

function scanFilter(projection: string | undefined, registryOnly: boolean): { filter: string; values: Item } {
  const registry = projection === undefined ? 'begins_with(#a0, :pv)' : '#a0 = :pv';
  const values: Item = { ':pv': { S: projection === undefined ? VERSIONS : `${VERSIONS}${projection}` } };
  if (registryOnly) return { filter: registry, values };
  values[':cp'] = { S: projection === undefined ? CHECKPOINT : `${CHECKPOINT}${projection}#` };
  return { filter: `begins_with(#a0, :cp) OR ${registry}`, values };
}

function decodeItems(items: readonly Item[]): ProjectionItems {
  const versions: RegisteredVersion[] = [];
  const active = new Map<string, number>();
  const checkpoints: StreamCheckpoint[] = [];
  for (const item of items) {
    const pk = item.pk?.S ?? '';
    if (pk.startsWith(CHECKPOINT)) {
      const checkpoint = decodeCheckpoint(pk, item);
      if (checkpoint) checkpoints.push(checkpoint);
    } else if (pk.startsWith(VERSIONS)) {
      const name = pk.slice(VERSIONS.length);
      if (item.sk?.S === 'active') active.set(name, number(item.version) ?? 0);
      else if (item.sk?.S?.startsWith('v#')) versions.push(decodeVersion(name, item));
    }
  }
  versions.sort((a, b) => a.projection.localeCompare(b.projection) || a.version - b.version);
  return { versions, active, checkpoints };
}

/** `cp#<name>#<version>#<streamId>`: names have no `#`, stream ids may. */
function decodeCheckpoint(pk: string, item: Item): StreamCheckpoint | undefined {
  const match = /^cp#([^#]+)#(\d+)#(.*)$/s.exec(pk);
  if (!match) return undefined;
  const [, projection = '', projectionVersion = '0', streamId = ''] = match;
  return {
    projection,
    projectionVersion: Number(projectionVersion),
    streamId: item.streamId?.S ?? streamId,
    version: number(item.version) ?? 0,
    ...optional('at', item.at?.S),
    ...optional('parkedAt', number(item.parkedAt)),
    ...optional('failedVersion', number(item.failedVersion)),
    ...optional('attempts', number(item.attempts)),
    ...optional('lastError', item.lastError?.S),
  };
}

function decodeVersion(projection: string, item: Item): RegisteredVersion {
  const events = number(item.events);
  return {
    projection,
    version: Number(item.sk?.S?.slice(2)),
    status: item.status?.S ?? 'unknown',
    ...optional('createdAt', item.createdAt?.S),
    ...optional('readyAt', item.readyAt?.S),
    ...(events === undefined
      ? {}
      : {
          rebuilt: {
            events,
            streams: number(item.streams) ?? 0,
            documentsWritten: number(item.documentsWritten) ?? 0,
          },
        }),
  };
}

const number = (value: AttributeValue | undefined): number | undefined =>
  value?.N === undefined ? undefined : Number(value.N);

function optional<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: V };
}
