import type {
  AttributeDefinition,
  CreateTableCommandInput,
  KeySchemaElement,
  Projection,
} from '@aws-sdk/client-dynamodb';
import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { InvalidTableDefinitionError } from './errors.js';

/** Options the library's table definitions leave to the deployment. */
export interface TableFromDefinitionProps {
  /** What CloudFormation does with the table when it leaves the stack. */
  readonly removalPolicy: RemovalPolicy;
  /** Continuous backups with point-in-time recovery (35 days). Default: off. */
  readonly pointInTimeRecovery?: boolean;
  /** CloudFormation and the API refuse to delete the table while this is on. Default: off. */
  readonly deletionProtection?: boolean;
  /**
   * Physical table name. Default: CloudFormation generates one, so two stacks can live in one
   * account and a table can be replaced; the functions learn the name from their environment.
   * The `TableName` of the definition is deliberately ignored for the same reason.
   */
  readonly tableName?: string;
}

/**
 * Keys of `CreateTableCommandInput` this adapter translates. Any other key in a library definition
 * (a new index kind, encryption, ...) makes synthesis fail, so the stack cannot silently drift
 * from what the library creates locally.
 */
const SUPPORTED_KEYS = new Set([
  'TableName',
  'AttributeDefinitions',
  'KeySchema',
  'BillingMode',
  'ProvisionedThroughput',
  'StreamSpecification',
  'GlobalSecondaryIndexes',
  'LocalSecondaryIndexes',
]);

/**
 * Builds a DynamoDB table from the `CreateTableCommandInput` a dynamo-es package exports
 * (`eventTableDefinition`, `snapshotTableDefinition`, ...): key schema, attribute types, billing
 * mode, stream and secondary indexes all come from the definition.
 *
 * @example
 * const events = tableFromDefinition(this, 'Events', eventTableDefinition('events'), {
 *   removalPolicy: RemovalPolicy.RETAIN,
 *   pointInTimeRecovery: true,
 * });
 */
export function tableFromDefinition(
  scope: Construct,
  id: string,
  definition: CreateTableCommandInput,
  props: TableFromDefinitionProps,
): dynamodb.Table {
  const unsupported = Object.keys(definition).filter(
    (key) => !SUPPORTED_KEYS.has(key) && definition[key as keyof CreateTableCommandInput] !== undefined,
  );
  if (unsupported.length > 0) {
    throw new InvalidTableDefinitionError(
      id,
      `uses ${unsupported.join(', ')}, which tableFromDefinition cannot map`,
    );
  }
  const attribute = attributeResolver(id, definition.AttributeDefinitions ?? []);
  const keys = keyPair(id, definition.KeySchema, attribute);
  const table = new dynamodb.Table(scope, id, {
    ...(props.tableName === undefined ? {} : { tableName: props.tableName }),
    partitionKey: keys.partitionKey,
    ...(keys.sortKey ? { sortKey: keys.sortKey } : {}),
    ...billing(definition),
    ...(definition.StreamSpecification?.StreamEnabled
      ? { stream: streamViewType(id, definition.StreamSpecification.StreamViewType) }
      : {}),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? false },
    deletionProtection: props.deletionProtection ?? false,
    removalPolicy: props.removalPolicy,
  });
  for (const index of definition.GlobalSecondaryIndexes ?? []) {
    table.addGlobalSecondaryIndex({
      indexName: required(id, 'IndexName', index.IndexName),
      ...keyPair(id, index.KeySchema, attribute),
      ...projection(index.Projection),
      ...capacity(index.ProvisionedThroughput),
    });
  }
  for (const index of definition.LocalSecondaryIndexes ?? []) {
    const { sortKey } = keyPair(id, index.KeySchema, attribute);
    if (!sortKey) throw new InvalidTableDefinitionError(id, `local index ${index.IndexName} has no sort key`);
    table.addLocalSecondaryIndex({
      indexName: required(id, 'IndexName', index.IndexName),
      sortKey,
      ...projection(index.Projection),
    });
  }
  return table;
}

type AttributeResolver = (name: string | undefined) => dynamodb.Attribute;

function attributeResolver(id: string, definitions: readonly AttributeDefinition[]): AttributeResolver {
  return (name) => {
    const found = definitions.find((definition) => definition.AttributeName === name);
    const type = found?.AttributeType;
    if (name === undefined || (type !== 'S' && type !== 'N' && type !== 'B')) {
      throw new InvalidTableDefinitionError(
        id,
        `key attribute ${name} has no S, N or B attribute definition`,
      );
    }
    const types = {
      S: dynamodb.AttributeType.STRING,
      N: dynamodb.AttributeType.NUMBER,
      B: dynamodb.AttributeType.BINARY,
    };
    return { name, type: types[type] };
  };
}

function keyPair(id: string, schema: readonly KeySchemaElement[] | undefined, attribute: AttributeResolver) {
  const hash = schema?.find((element) => element.KeyType === 'HASH');
  const range = schema?.find((element) => element.KeyType === 'RANGE');
  if (!hash) throw new InvalidTableDefinitionError(id, 'a key schema has no HASH key');
  const partitionKey = attribute(hash.AttributeName);
  return range ? { partitionKey, sortKey: attribute(range.AttributeName) } : { partitionKey };
}

function billing(definition: CreateTableCommandInput) {
  if (definition.BillingMode === 'PAY_PER_REQUEST')
    return { billingMode: dynamodb.BillingMode.PAY_PER_REQUEST };
  return { billingMode: dynamodb.BillingMode.PROVISIONED, ...capacity(definition.ProvisionedThroughput) };
}

function capacity(throughput: CreateTableCommandInput['ProvisionedThroughput']) {
  if (!throughput) return {};
  return {
    ...(throughput.ReadCapacityUnits === undefined ? {} : { readCapacity: throughput.ReadCapacityUnits }),
    ...(throughput.WriteCapacityUnits === undefined ? {} : { writeCapacity: throughput.WriteCapacityUnits }),
  };
}

function projection(value: Projection | undefined) {
  switch (value?.ProjectionType) {
    case 'KEYS_ONLY':
      return { projectionType: dynamodb.ProjectionType.KEYS_ONLY };
    case 'INCLUDE':
      return {
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: value.NonKeyAttributes ?? [],
      };
    default:
      return { projectionType: dynamodb.ProjectionType.ALL };
  }
}

function streamViewType(id: string, viewType: string | undefined): dynamodb.StreamViewType {
  const views = Object.values(dynamodb.StreamViewType) as string[];
  if (viewType === undefined || !views.includes(viewType)) {
    throw new InvalidTableDefinitionError(id, `unknown stream view type ${viewType}`);
  }
  return viewType as dynamodb.StreamViewType;
}

function required(id: string, what: string, value: string | undefined): string {
  if (value === undefined) throw new InvalidTableDefinitionError(id, `lacks ${what}`);
  return value;
}
