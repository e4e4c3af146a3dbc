import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { isConditionalCheckFailure } from '@dynamo-es/event-store';
import type { SagaKeySpace } from '../deadlines/deadline-requests.js';
import {
  decodeRunning,
  deleteRunning,
  putRunning,
  queryRunning,
  type RunningSaga,
} from './status-requests.js';

/** The index of running instances of one saga: the only place its requests are sent. */
export class RunningIndex {
  readonly #client: DynamoDBClient;
  readonly #table: SagaKeySpace;

  constructor(options: SagaKeySpace & { readonly client: DynamoDBClient }) {
    this.#client = options.client;
    this.#table = { tableName: options.tableName, sagaName: options.sagaName, shards: options.shards };
  }

  async running(saga: RunningSaga): Promise<void> {
    try {
      await this.#client.send(new PutItemCommand(putRunning(this.#table, saga)));
    } catch (error) {
      // A newer step is recorded already (a redelivery of an older one).
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }

  async ended(sagaId: string): Promise<void> {
    await this.#client.send(new DeleteItemCommand(deleteRunning(this.#table, sagaId)));
  }

  /** Every indexed running instance: one paginated `Query` per shard. */
  async list(): Promise<RunningSaga[]> {
    const found: RunningSaga[] = [];
    for (let shard = 0; shard < this.#table.shards; shard++) {
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const output = await this.#client.send(new QueryCommand(queryRunning(this.#table, shard, startKey)));
        for (const item of output.Items ?? []) {
          const running = decodeRunning(item);
          if (running) found.push(running);
        }
        startKey = output.LastEvaluatedKey;
      } while (startKey);
    }
    return found;
  }
}
