import type { AttributeValue } from '@aws-sdk/client-dynamodb';

type Key = Record<string, AttributeValue>;

/** What a page of a `Query` or `Scan` returns: its items, and where the next page starts. */
export interface Page<I> {
  readonly Items?: I[];
  readonly LastEvaluatedKey?: Key;
}

/**
 * The pages of a `Query` or `Scan`, one request each, fetched as the caller takes them: `fetch`
 * is called with the previous page's `LastEvaluatedKey` (none for the first) until a page has none.
 *
 * @example
 * for await (const items of pages((ExclusiveStartKey) => client.send(new QueryCommand({ ...input, ExclusiveStartKey })))) {
 *   for (const item of items) console.log(item.pk?.S);
 * }
 */
export async function* pages<I = Key>(
  fetch: (startKey: Key | undefined) => Promise<Page<I>>,
): AsyncGenerator<I[], void, undefined> {
  let startKey: Key | undefined;
  do {
    const page = await fetch(startKey);
    yield page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
}

/**
 * Every item of a `Query` or `Scan` (see {@link pages}), in order.
 *
 * @example
 * const items = await allItems((ExclusiveStartKey) => client.send(new ScanCommand({ TableName, ExclusiveStartKey })));
 */
export async function allItems<I = Key>(
  fetch: (startKey: Key | undefined) => Promise<Page<I>>,
): Promise<I[]> {
  const items: I[] = [];
  for await (const page of pages(fetch)) items.push(...page);
  return items;
}
