import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventStore, isConcurrencyError } from '@dynamo-es/event-store';
import { SMALL_TYPE, smallData } from './fixtures.js';
import { Floor } from './floor.js';

/** One side of a comparison: dynamo-es or the floor, doing the same commands and loads. */
export interface Side {
  readonly name: 'store' | 'floor';
  head(streamId: string): Promise<number>;
  /** Appends the small event number `n` after `version`; false on a conflict. */
  append(streamId: string, version: number, n: number): Promise<boolean>;
  /** Loads the whole stream; returns the number of events. */
  load(streamId: string): Promise<number>;
}

export function storeSide(client: DynamoDBClient, tableName: string): Side {
  const store = new EventStore({ client, tableName });
  return {
    name: 'store',
    head: (streamId) => store.streamVersion(streamId),
    append: async (streamId, version, n) => {
      try {
        await store.append(streamId, [{ type: SMALL_TYPE, data: smallData(n) }], {
          expectedVersion: version,
        });
        return true;
      } catch (error) {
        if (isConcurrencyError(error)) return false;
        throw error;
      }
    },
    load: async (streamId) => (await store.readStream(streamId)).events.length,
  };
}

export function floorSide(client: DynamoDBClient, tableName: string): Side {
  const floor = new Floor(client, tableName);
  return {
    name: 'floor',
    head: (streamId) => floor.head(streamId),
    append: (streamId, version, n) => floor.put(Floor.item(streamId, version + 1, SMALL_TYPE, smallData(n))),
    load: async (streamId) => (await floor.load(streamId)).length,
  };
}

/**
 * Runs `trial` once per side per round, `rounds` times, rotating which side goes first, so a
 * slow-down of DynamoDB Local over the run hits every side alike.
 */
export async function rotate<K extends string, T>(
  sides: readonly K[],
  rounds: number,
  trial: (side: K, round: number) => Promise<T>,
): Promise<Record<K, T[]>> {
  const results = Object.fromEntries(sides.map((side) => [side, [] as T[]])) as Record<K, T[]>;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < sides.length; i++) {
      const side = sides[(round + i) % sides.length] as K;
      results[side].push(await trial(side, round));
    }
  }
  return results;
}

/** Client CPU (user + system) milliseconds spent by this process while `work` runs. */
export async function withCpu<T>(work: () => Promise<T>): Promise<{ value: T; cpuMs: number; ms: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { value, cpuMs: (used.user + used.system) / 1000, ms };
}
