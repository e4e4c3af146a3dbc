import {
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mapLimit } from '@dynamo-es/event-store';
import { type Batch, decodeBatchItem, encodeBatchItem } from '../codec/batch-item.js';
import { type Item, typeOfTypeKey } from '../codec/keys.js';
import { decodeMetaItem, type FeedMeta } from '../codec/meta-item.js';
import { decodeStateItem, type StreamState } from '../codec/state-item.js';
import { decodeTypeItem, encodeTypeItems } from '../codec/type-item.js';
import { chunks } from '../internal/chunks.js';
import type { FeedEntry } from '../reader/entries.js';
import {
  batchAtOrBeforeQuery,
  batchesQuery,
  lastBatchQuery,
  putBatchRequest,
} from '../requests/batch-requests.js';
import { getCheckpointRequest, saveCheckpointRequest } from '../requests/checkpoint-requests.js';
import { advanceHeadRequest, createMetaRequest, getMetaRequest } from '../requests/meta-requests.js';
import { raiseStateRequest, scanStatesRequest, statesKeys } from '../requests/state-requests.js';
import { putTypeItemRequest, typeItemsQuery } from '../requests/type-requests.js';
import { batchGet } from './batch-get.js';

/** What writing a batch did: written, or lost the race to the batch already there. */
export type PutBatchOutcome =
  | { readonly written: true; readonly size: number }
  | { readonly written: false; readonly existing: Batch | undefined };

const isConditionFailure = (error: unknown): error is { name: string; Item?: Item } =>
  (error as { name?: unknown })?.name === 'ConditionalCheckFailedException';

/** The feed table's DynamoDB boundary: every request of the feed table is sent here. */
export class FeedTable {
  constructor(
    readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  async meta(): Promise<FeedMeta | undefined> {
    const { Item } = await this.client.send(new GetItemCommand(getMetaRequest(this.tableName)));
    return Item ? decodeMetaItem(Item) : undefined;
  }

  /** Creates the meta item, or returns the one a racing writer (or an earlier run) stored. */
  async createMeta(meta: FeedMeta): Promise<FeedMeta> {
    try {
      await this.client.send(new PutItemCommand(createMetaRequest(this.tableName, meta)));
      return meta;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return error.Item ? decodeMetaItem(error.Item) : ((await this.meta()) ?? meta);
    }
  }

  /** Raises the head hint to `epoch` (a no-op when it is there already). */
  async advanceHead(epoch: number): Promise<void> {
    try {
      await this.client.send(new UpdateItemCommand(advanceHeadRequest(this.tableName, epoch)));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async lastBatchFrom(epoch: number, from: number, epochSize: number): Promise<Batch | undefined> {
    const { Items } = await this.client.send(new QueryCommand(lastBatchQuery(this.tableName, epoch, from)));
    return Items?.[0] ? decodeBatchItem(Items[0], epochSize) : undefined;
  }

  async batchAtOrBefore(
    epoch: number,
    position: number,
    epochSize: number,
    consistentRead: boolean,
  ): Promise<Batch | undefined> {
    const { Items } = await this.client.send(
      new QueryCommand(batchAtOrBeforeQuery(this.tableName, epoch, position, consistentRead)),
    );
    return Items?.[0] ? decodeBatchItem(Items[0], epochSize) : undefined;
  }

  /** One page (1 MB) of an epoch's batches from `from` on, oldest first. */
  async batchPage(
    options: { epoch: number; from: number; consistentRead: boolean; startKey?: Item; limit?: number },
    epochSize: number,
  ): Promise<{ batches: Batch[]; next: Item | undefined }> {
    const output = await this.client.send(new QueryCommand(batchesQuery(this.tableName, options)));
    return {
      batches: (output.Items ?? []).map((item) => decodeBatchItem(item, epochSize)),
      next: output.LastEvaluatedKey,
    };
  }

  async putBatch(batch: Batch, epochSize: number): Promise<PutBatchOutcome> {
    const { item, size } = encodeBatchItem(batch, epochSize);
    try {
      await this.client.send(new PutItemCommand(putBatchRequest(this.tableName, item)));
      return { written: true, size };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { written: false, existing: error.Item ? decodeBatchItem(error.Item, epochSize) : undefined };
    }
  }

  /** Raises streams' states (one conditional `UpdateItem` each; already there is fine). */
  async raiseStates(states: readonly StreamState[], concurrency: number): Promise<void> {
    await mapLimit(states, concurrency, async (state) => {
      try {
        await this.client.send(new UpdateItemCommand(raiseStateRequest(this.tableName, state)));
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    });
  }

  /** Writes a batch's type index items (one `PutItem` per type in it; the same items again is fine). */
  async putTypeItems(batch: Batch, epochSize: number, concurrency: number): Promise<void> {
    await mapLimit(encodeTypeItems(batch, epochSize), concurrency, async (item) => {
      await this.client.send(new PutItemCommand(putTypeItemRequest(this.tableName, item)));
    });
  }

  /** One page (1 MB) of a type's index entries in one epoch, items first at `from` .. `to`. */
  async typePage(
    options: { epoch: number; type: string; from: number; to: number; startKey?: Item },
    epochSize: number,
  ): Promise<{ entries: FeedEntry[]; next: Item | undefined }> {
    const output = await this.client.send(new QueryCommand(typeItemsQuery(this.tableName, options)));
    return {
      entries: (output.Items ?? []).flatMap((item) => decodeTypeItem(item, options.type, epochSize)),
      next: output.LastEvaluatedKey,
    };
  }

  /** Consistent reads of streams' states; a stream not in the feed has none. */
  async readStates(streamIds: readonly string[], concurrency: number): Promise<Map<string, StreamState>> {
    const states = new Map<string, StreamState>();
    const pages = await mapLimit(chunks(streamIds, 100), concurrency, (ids) =>
      batchGet(this.client, this.tableName, statesKeys(ids)),
    );
    for (const item of pages.flat()) {
      const state = decodeStateItem(item);
      states.set(state.streamId, state);
    }
    return states;
  }

  async checkpoint(name: string): Promise<number | undefined> {
    const { Item } = await this.client.send(new GetItemCommand(getCheckpointRequest(this.tableName, name)));
    const position = Item?.q?.N === undefined ? undefined : Number(Item.q.N);
    return position === undefined || Number.isSafeInteger(position) ? position : undefined;
  }

  /** Saves a checkpoint forward; false when a newer one is stored. */
  async saveCheckpoint(name: string, position: number, at: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand(saveCheckpointRequest(this.tableName, { name, position, at })),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return false;
    }
  }

  /**
   * Every stream state and type index entry of the feed (a scan of the whole table, for the
   * validator), a page at a time.
   */
  async *scanStates(
    consistentRead: boolean,
    epochSize: number,
  ): AsyncGenerator<{ states: StreamState[]; typed: FeedEntry[] }> {
    let startKey: Item | undefined;
    do {
      const output = await this.client.send(
        new ScanCommand(
          scanStatesRequest(this.tableName, { consistentRead, ...(startKey ? { startKey } : {}) }),
        ),
      );
      const page = { states: [] as StreamState[], typed: [] as FeedEntry[] };
      for (const item of output.Items ?? []) {
        const type = typeOfTypeKey(item);
        if (type === undefined) page.states.push(decodeStateItem(item));
        else page.typed.push(...decodeTypeItem(item, type, epochSize));
      }
      yield page;
      startKey = output.LastEvaluatedKey;
    } while (startKey);
  }
}
