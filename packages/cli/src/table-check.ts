import type { CreateTableCommandInput, TableDescription } from '@aws-sdk/client-dynamodb';
import { TableKind } from './tables.js';

/**
 * Differences between an existing table and the definition the dynamo-es packages expect: key
 * schema, key attribute types, secondary indexes, and (for the events table) the stream projections
 * are fed from. An empty list means the table fits.
 */
export function tableProblems(
  kind: TableKind,
  table: TableDescription,
  expected: CreateTableCommandInput,
): string[] {
  const problems: string[] = [];
  if (keys(table.KeySchema) !== keys(expected.KeySchema)) {
    problems.push(`key schema is ${keys(table.KeySchema)}, expected ${keys(expected.KeySchema)}`);
  }
  for (const attribute of expected.AttributeDefinitions ?? []) {
    const actual = table.AttributeDefinitions?.find((a) => a.AttributeName === attribute.AttributeName);
    if (actual && actual.AttributeType !== attribute.AttributeType) {
      problems.push(
        `${attribute.AttributeName} is ${actual.AttributeType}, expected ${attribute.AttributeType}`,
      );
    }
  }
  for (const index of expected.GlobalSecondaryIndexes ?? []) {
    const actual = table.GlobalSecondaryIndexes?.find((i) => i.IndexName === index.IndexName);
    if (!actual) problems.push(`index ${index.IndexName} is missing`);
    else if (keys(actual.KeySchema) !== keys(index.KeySchema)) {
      problems.push(
        `index ${index.IndexName} is keyed ${keys(actual.KeySchema)}, expected ${keys(index.KeySchema)}`,
      );
    }
  }
  if (kind === TableKind.Events && !hasNewImages(table)) {
    problems.push('no stream with new images: projections cannot be fed');
  }
  return problems;
}

/** `pk+sk` for a key schema (hash key first). */
export function keys(schema: readonly { AttributeName?: string; KeyType?: string }[] | undefined): string {
  const ordered = [...(schema ?? [])].sort((a, b) =>
    a.KeyType === 'HASH' ? -1 : b.KeyType === 'HASH' ? 1 : 0,
  );
  return ordered.map((key) => key.AttributeName).join('+') || '-';
}

/** How the table's stream is set up: `NEW_IMAGE`, `NEW_AND_OLD_IMAGES`, ... or `off`. */
export function streamView(table: TableDescription): string {
  return table.StreamSpecification?.StreamEnabled
    ? (table.StreamSpecification.StreamViewType ?? 'on')
    : 'off';
}

function hasNewImages(table: TableDescription): boolean {
  const view = table.StreamSpecification?.StreamEnabled
    ? table.StreamSpecification.StreamViewType
    : undefined;
  return view === 'NEW_IMAGE' || view === 'NEW_AND_OLD_IMAGES';
}
