import { UpcastError } from './errors.js';
import type { StoredEvent } from './types.js';

/**
 * Turns the data of an event stored with schema version `n` into the shape of version `n + 1`.
 * It receives the stored event (with the data of version `n`) for context.
 */
export type Upcaster = (data: unknown, event: StoredEvent) => unknown;

/**
 * Upcasters by event type, then by the schema version they upgrade *from*.
 * The current schema version of a type is one more than its highest key (1 without upcasters).
 *
 * @example
 * const upcasters: Upcasters = {
 *   MoneyDeposited: {
 *     1: (data) => ({ ...(data as object), currency: 'EUR' }), // v1 -> v2
 *     2: (data) => ({ ...(data as object), source: 'unknown' }), // v2 -> v3
 *   },
 * };
 */
export type Upcasters = Readonly<Record<string, Readonly<Record<number, Upcaster>>>>;

/** Applies registered upcasters on every read path; stored events are never rewritten. */
export class UpcasterChain {
  readonly #upcasters: Upcasters;
  readonly #current = new Map<string, number>();

  constructor(upcasters: Upcasters = {}) {
    this.#upcasters = upcasters;
    for (const [type, steps] of Object.entries(upcasters)) {
      const froms = Object.keys(steps).map(Number);
      for (const from of froms) {
        if (!Number.isSafeInteger(from) || from < 1) {
          throw new UpcastError({
            eventType: type,
            schemaVersion: from,
            problem: 'upcaster keys must be integers >= 1',
          });
        }
      }
      const current = froms.length === 0 ? 1 : Math.max(...froms) + 1;
      for (let version = 1; version < current; version++) {
        if (typeof steps[version] !== 'function') {
          throw new UpcastError({
            eventType: type,
            schemaVersion: version,
            problem: `the chain to version ${current} has no upcaster from ${version}; register one for every step`,
          });
        }
      }
      this.#current.set(type, current);
    }
  }

  /** The schema version new events of this type are written with. */
  currentVersion(type: string): number {
    return this.#current.get(type) ?? 1;
  }

  /** Brings an event to the current schema version of its type. */
  upcast<E extends StoredEvent>(event: E): E {
    const current = this.currentVersion(event.type);
    if (event.schemaVersion === current) return event;
    if (event.schemaVersion > current) {
      throw new UpcastError({
        eventType: event.type,
        schemaVersion: event.schemaVersion,
        problem: `this code knows schema versions up to ${current}; the event was written by newer code. Deploy the upcasters first.`,
      });
    }
    let data = event.data;
    for (let version = event.schemaVersion; version < current; version++) {
      const step = this.#upcasters[event.type]?.[version] as Upcaster;
      try {
        data = step(data, { ...event, data, schemaVersion: version } as StoredEvent);
      } catch (error) {
        throw new UpcastError(
          { eventType: event.type, schemaVersion: version, problem: `the upcaster threw: ${String(error)}` },
          { cause: error },
        );
      }
    }
    return { ...event, data, schemaVersion: current };
  }
}
