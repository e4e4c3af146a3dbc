import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { buildEventQuery, pages } from '@dynamo-es/event-store';
import type { EventSource } from '../event-source.js';
import { type DeliveredEvent, decodeEvent, type WantedTypes } from './delivered-event.js';

interface RangeRead {
  readonly from: number;
  /** `undefined`: to the head. */
  readonly to: number | undefined;
  readonly events: Promise<DeliveredEvent[]>;
}

/**
 * Reads version ranges of streams from the events table, for every projection of one invocation:
 * a range another projection already read (or is reading) is not read again. Items are decoded
 * one by one with the event store's codec (header first), so one that cannot be decoded does not
 * hide the others, and keeps its header.
 */
export class EventReader {
  readonly #source: EventSource;
  readonly #wanted: WantedTypes;
  readonly #reads = new Map<string, RangeRead[]>();

  constructor(source: EventSource, wanted: WantedTypes) {
    this.#source = source;
    this.#wanted = wanted;
  }

  /** The events `from..to` (to the head without `to`) the store holds, in version order. */
  read = async (streamId: string, from: number, to?: number): Promise<DeliveredEvent[]> => {
    const reads = this.#reads.get(streamId) ?? [];
    const covering = reads.find(
      (read) => read.from <= from && (read.to === undefined || (to !== undefined && read.to >= to)),
    );
    if (covering) {
      const events = await covering.events;
      return events.filter((event) => event.version >= from && (to === undefined || event.version <= to));
    }
    const events = this.#query(streamId, from, to);
    reads.push({ from, to, events });
    this.#reads.set(streamId, reads);
    return events;
  };

  async #query(streamId: string, from: number, to: number | undefined): Promise<DeliveredEvent[]> {
    const { client, tableName, upcasters } = this.#source;
    const query = {
      streamId,
      lowest: from,
      highest: to ?? Number.MAX_SAFE_INTEGER,
      forward: true,
      consistentRead: true,
    };
    const events: DeliveredEvent[] = [];
    for await (const items of pages((startKey) =>
      client.send(
        new QueryCommand(buildEventQuery(tableName, { ...query, ...(startKey ? { startKey } : {}) })),
      ),
    )) {
      for (const item of items) {
        const event = decodeEvent(item, upcasters, this.#wanted);
        if (event) events.push(event);
      }
    }
    return events;
  }
}
