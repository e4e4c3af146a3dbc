/**
 * Maps `items` with at most `limit` calls of `map` in flight, keeping the order of `items` in the
 * result. Rejects with the first error (calls already started run to their end).
 *
 * @example
 * const heads = await mapLimit(streamIds, 16, (streamId) => store.streamVersion(streamId));
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  map: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
