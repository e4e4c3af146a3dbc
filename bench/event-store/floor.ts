import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { Item } from './fixtures.js';

/** An event as the floor reads it back: what a fold needs, nothing more. */
export interface FloorEvent {
  readonly version: number;
  readonly type: string;
  readonly data: unknown;
}

/**
 * The floor: the least work an event store on DynamoDB can do. Each event is exactly 4
 * attributes with one-letter names (`s` stream id, `v` version, `t` type, `b` the JSON of the
 * data as a string; no event id, no time, no metadata unless asked), one conditional PutItem per
 * append, a `Limit: 1` consistent Query for the head, a paginated consistent Query plus
 * `JSON.parse` to load. It checks nothing and cannot tell a retry from a conflict: it is a
 * yardstick, not a design.
 */
export class Floor {
  constructor(
    readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  /** The item of one event; with metadata, the body is `{ data, metadata }` (same work as the store). */
  static item(streamId: string, version: number, type: string, data: unknown, metadata?: unknown): Item {
    const body = metadata === undefined ? JSON.stringify(data) : JSON.stringify({ data, metadata });
    return { s: { S: streamId }, v: { N: String(version) }, t: { S: type }, b: { S: body } };
  }

  /** The stream's version: 0 when it has no events. */
  async head(streamId: string): Promise<number> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 's = :s',
        ExpressionAttributeValues: { ':s': { S: streamId } },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: 1,
      }),
    );
    const top = Items?.[0]?.v?.N;
    return top === undefined ? 0 : Number(top);
  }

  /** Writes version `version`; false when that version is taken (a conflict). */
  async put(item: Item): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(v)',
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** Every event of the stream (or its first `limit`), in version order. */
  async load(streamId: string, limit?: number): Promise<FloorEvent[]> {
    const events: FloorEvent[] = [];
    let startKey: Item | undefined;
    do {
      const page: QueryCommandOutput = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 's = :s',
          ExpressionAttributeValues: { ':s': { S: streamId } },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
          ...(limit === undefined ? {} : { Limit: limit - events.length }),
        }),
      );
      for (const item of page.Items ?? []) {
        events.push({
          version: Number(item.v?.N),
          type: item.t?.S as string,
          data: JSON.parse(item.b?.S as string),
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && (limit === undefined || events.length < limit));
    return events;
  }

  /** Seeds items without conditions (BatchWriteItem, 25 at a time, retrying unprocessed ones). */
  async seed(items: readonly Item[]): Promise<void> {
    for (let at = 0; at < items.length; at += 25) {
      let requests = items.slice(at, at + 25).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const { UnprocessedItems } = await this.client.send(
          new BatchWriteItemCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    }
  }
}
