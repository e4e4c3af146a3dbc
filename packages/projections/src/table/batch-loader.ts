import type { ItemKey } from '../keys.js';
import { keyString } from '../keys.js';
import type { Item } from './read-model-table.js';

type Fetch = (keys: readonly ItemKey[]) => Promise<Map<string, Item>>;

/**
 * Gathers the item reads asked for in the same turn of the event loop into one `BatchGetItem`
 * round (100 keys per request): the handlers of concurrently applied streams each `ctx.get` their
 * documents, and DynamoDB sees one request instead of one `GetItem` per document.
 */
export class BatchLoader {
  readonly #fetch: Fetch;
  #queued = new Map<string, { key: ItemKey; waiters: ((result: Item | undefined | Error) => void)[] }>();
  #scheduled = false;

  constructor(fetch: Fetch) {
    this.#fetch = fetch;
  }

  load(key: ItemKey): Promise<Item | undefined> {
    return new Promise((resolve, reject) => {
      const id = keyString(key);
      const entry = this.#queued.get(id) ?? { key, waiters: [] };
      entry.waiters.push((result) => (result instanceof Error ? reject(result) : resolve(result)));
      this.#queued.set(id, entry);
      if (!this.#scheduled) {
        this.#scheduled = true;
        // setImmediate: after every promise continuation of this turn has queued its reads.
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#queued;
    this.#queued = new Map();
    this.#scheduled = false;
    let found: Map<string, Item>;
    try {
      found = await this.#fetch([...batch.values()].map((entry) => entry.key));
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const entry of batch.values()) for (const waiter of entry.waiters) waiter(failure);
      return;
    }
    for (const [id, entry] of batch) for (const waiter of entry.waiters) waiter(found.get(id));
  }
}
