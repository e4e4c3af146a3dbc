import type { EventShape } from '@dynamo-es/event-store';
import { InvalidFeedInputError } from '../errors.js';
import { jitteredDelay, sleep } from '../internal/backoff.js';
import { integerOption, nameOption, positionOption } from '../internal/validation.js';
import type { FeedEvent } from '../reader/fetch-events.js';
import { compileFilter, type EntryMatcher, type FeedFilter, typesOf } from '../reader/filter.js';
import { locate } from '../reader/locate.js';
import { type ReaderContext, readEventPages } from '../reader/read-pages.js';

/** Options of {@link Feed.subscription}. */
export interface SubscriptionOptions<E extends EventShape = EventShape> {
  /** Names the checkpoint: one running instance per name. */
  readonly name: string;
  /**
   * Called once per event at least, in feed order. After a crash, events since the last checkpoint
   * come again: use `event.position` to be exact (e.g. store it with the effect and skip lower).
   */
  readonly handler: (event: FeedEvent<E>) => Promise<void> | void;
  /** Where to start when there is no checkpoint yet (default 0: the beginning of the feed). */
  readonly fromPosition?: number;
  readonly filter?: FeedFilter;
  /** Events per page; the checkpoint is saved after each page (default 100). */
  readonly pageSize?: number;
  /** Strongly consistent reads (default true). */
  readonly consistentRead?: boolean;
  /** Polling once caught up: the first wait, doubled while nothing comes, up to the longest (default 100 ms .. 2 s). */
  readonly poll?: { readonly minMs?: number; readonly maxMs?: number };
}

/** What one catch-up pass did. */
export interface CatchUpResult {
  /** Events handed to the handler. */
  readonly handled: number;
  /** The checkpoint after it: every position up to here was handled or filtered out. */
  readonly position: number;
}

interface Internals {
  readonly reader: ReaderContext;
  readonly now: () => number;
}

/**
 * A catch-up subscription with a durable checkpoint (one small item in the feed table). Create it
 * with `feed.subscription(...)`.
 */
export class Subscription<E extends EventShape = EventShape> {
  readonly name: string;
  readonly #internals: Internals;
  readonly #handler: (event: FeedEvent<E>) => Promise<void> | void;
  readonly #fromPosition: number;
  readonly #matches: EntryMatcher;
  readonly #types: readonly string[] | undefined;
  readonly #pageSize: number;
  readonly #consistentRead: boolean;
  readonly #poll: { minMs: number; maxMs: number };
  /** Where the next read starts (a batch's first position) once known, and the checkpoint. */
  #cursor: { from: number; position: number } | undefined;

  constructor(internals: Internals, options: SubscriptionOptions<E>) {
    this.name = nameOption(options?.name, 'options.name');
    if (typeof options.handler !== 'function') {
      throw new InvalidFeedInputError('options.handler', 'expected a function of a feed event');
    }
    this.#internals = internals;
    this.#handler = options.handler;
    this.#fromPosition = positionOption(options.fromPosition, 'options.fromPosition');
    this.#matches = compileFilter(options.filter);
    this.#types = typesOf(options.filter);
    this.#pageSize = integerOption(options.pageSize, 100, 'options.pageSize');
    this.#consistentRead = options.consistentRead ?? true;
    const minMs = integerOption(options.poll?.minMs, 100, 'options.poll.minMs');
    this.#poll = {
      minMs,
      maxMs: Math.max(minMs, integerOption(options.poll?.maxMs, 2_000, 'options.poll.maxMs')),
    };
  }

  /** The stored checkpoint: the last position handled or filtered out (0: none yet). */
  async position(): Promise<number> {
    return (await this.#internals.reader.log.table.checkpoint(this.name)) ?? 0;
  }

  /**
   * Handles every matching event from the checkpoint to the end of the feed, saving the checkpoint
   * after each page.
   *
   * @example
   * const { handled, position } = await subscription.catchUp();
   */
  catchUp(): Promise<CatchUpResult> {
    return this.#pass(undefined);
  }

  /**
   * Catches up, then follows the feed live, polling its end with backoff, until `signal` aborts
   * (it then finishes the event in hand and saves the checkpoint). Rejects with the handler's error.
   *
   * @example
   * const stop = new AbortController();
   * const running = subscription.run({ signal: stop.signal });
   * // ... later: stop.abort(); await running;
   */
  async run(options: { signal?: AbortSignal } = {}): Promise<void> {
    const { signal } = options;
    let delay = this.#poll.minMs;
    while (!signal?.aborted) {
      const before = this.#cursor?.position;
      const { position } = await this.#pass(signal);
      if (position !== before) delay = this.#poll.minMs;
      else {
        await sleep(delay + jitteredDelay(0, delay / 4), signal);
        delay = Math.min(this.#poll.maxMs, delay * 2);
      }
    }
  }

  /**
   * Waits until the checkpoint reaches `position` (read-your-writes: pass the position
   * `feed.streamPosition` gave for a version just written); false when `timeoutMs` runs out first.
   *
   * @example
   * const indexed = await feed.streamPosition(accountId);
   * if (indexed) await audit.waitForPosition(indexed.position, { timeoutMs: 5_000 });
   */
  async waitForPosition(position: number, options: { timeoutMs?: number } = {}): Promise<boolean> {
    const deadline = Date.now() + integerOption(options.timeoutMs, 10_000, 'options.timeoutMs', 0);
    let delay = 20;
    for (;;) {
      if ((this.#cursor?.position ?? 0) >= position || (await this.position()) >= position) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await sleep(Math.min(delay, left));
      delay = Math.min(500, delay * 2);
    }
  }

  async #pass(signal: AbortSignal | undefined): Promise<CatchUpResult> {
    const { reader, now } = this.#internals;
    const meta = await reader.log.meta();
    const cursor = this.#cursor ?? (await this.#resume());
    if (!meta) return { handled: 0, position: cursor.position };
    if (cursor.from === 0) {
      cursor.from = await locate(reader.log, meta, cursor.position + 1, this.#consistentRead);
    }
    let handled = 0;
    const pages = readEventPages(reader, meta, {
      from: cursor.from,
      fromPosition: cursor.position + 1,
      matches: this.#matches,
      ...(this.#types ? { types: this.#types } : {}),
      consistentRead: this.#consistentRead,
      pageSize: this.#pageSize,
    });
    for await (const page of pages) {
      for (const event of page.items) {
        try {
          await this.#handler(event as FeedEvent<E>);
        } catch (error) {
          await this.#save(cursor.position, now());
          throw error;
        }
        cursor.position = event.position;
        handled++;
        if (signal?.aborted) break;
      }
      if (signal?.aborted) break;
      cursor.position = page.end - 1;
      cursor.from = page.resumeFrom;
      await this.#save(cursor.position, now());
    }
    await this.#save(cursor.position, now());
    return { handled, position: cursor.position };
  }

  async #resume(): Promise<{ from: number; position: number }> {
    const stored = await this.#internals.reader.log.table.checkpoint(this.name);
    // `from: 0` until the feed has a batch to locate the start in.
    this.#cursor = { from: 0, position: stored ?? Math.max(0, this.#fromPosition - 1) };
    this.#saved = stored;
    return this.#cursor;
  }

  #saved: number | undefined;

  async #save(position: number, at: number): Promise<void> {
    if (position === this.#saved || position === 0) return;
    await this.#internals.reader.log.table.saveCheckpoint(this.name, position, at);
    this.#saved = position;
  }
}
