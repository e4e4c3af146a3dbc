import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Aggregate, AggregateRepository } from '@dynamo-es/aggregate';
import { EventStore, type StoredEvent } from '@dynamo-es/event-store';
import type { BenchTable } from '../types.js';
import { accountId, medianOf, ratio, SMALL_TYPE, smallData, verdict } from './fixtures.js';

const LENGTHS = [10_000, 40_000];
const TRIALS = 3;
const LIVE_TRIALS = 2;
const MB = 2 ** 20;

type Deposited = { readonly type: 'MoneyDeposited'; readonly data: ReturnType<typeof smallData> };
type Tally = { readonly count: number; readonly total: number };
const fold = (state: Tally, event: { data: { amount: number } }): Tally => ({
  count: state.count + 1,
  total: state.total + event.data.amount,
});

/**
 * Samples heapUsed every 2 ms (timers only fire between pages) and at `tick()`, which the folds
 * call every 500 events so a peak inside a page is seen too. With `live`, `tick()` runs a full
 * GC first: what the load still references, not the garbage it left behind.
 */
class HeapSampler {
  static current: HeapSampler | undefined;
  readonly #gc = (globalThis as { gc?: () => void }).gc;
  readonly #live: boolean;
  #base = 0;
  #peak = 0;
  #ticks = 0;

  constructor(live: boolean) {
    this.#live = live;
  }

  async measure(work: () => Promise<unknown>): Promise<{ mb: number; ms: number }> {
    this.#gc?.();
    this.#gc?.();
    this.#base = process.memoryUsage().heapUsed;
    this.#peak = this.#base;
    HeapSampler.current = this;
    const timer = setInterval(() => this.sample(), 2);
    const started = performance.now();
    const result = await work();
    const ms = performance.now() - started;
    this.tick(true);
    clearInterval(timer);
    HeapSampler.current = undefined;
    if (result === undefined) throw new Error('the load returned nothing');
    return { mb: (this.#peak - this.#base) / MB, ms };
  }

  sample(): void {
    this.#peak = Math.max(this.#peak, process.memoryUsage().heapUsed);
  }

  tick(force = false): void {
    if (!force && ++this.#ticks % 500 !== 0) return;
    if (this.#live) this.#gc?.();
    this.sample();
  }
}

class Account extends Aggregate<Tally, Deposited> {
  protected readonly initialState = { count: 0, total: 0 };
  protected readonly handlers = this.defineHandlers({
    MoneyDeposited: (state, event) => {
      HeapSampler.current?.tick();
      return fold(state, event);
    },
  });
}

/** Target 6: peak heap growth while loading long streams without a snapshot. */
export async function memoryTable(client: DynamoDBClient, tableName: string): Promise<BenchTable> {
  const gcAvailable = typeof (globalThis as { gc?: unknown }).gc === 'function';
  const store = new EventStore({ client, tableName });
  const repository = new AggregateRepository({ store, factory: (id) => new Account(id) });
  const streams = LENGTHS.map((length, n) => ({ length, id: accountId(800_000 + n) }));
  for (const { length, id } of streams) {
    for (let at = 0; at < length; at += 100) {
      const events = Array.from({ length: 100 }, (_, i) => ({ type: SMALL_TYPE, data: smallData(at + i) }));
      await store.append(id, events, { expectedVersion: at });
    }
  }
  const variants: [string, (id: string) => Promise<unknown>][] = [
    ['(a) store.readStream(id): holds every event', async (id) => (await store.readStream(id)).events],
    [
      '(b) for await (e of store.read(id)) state = fold(state, e)',
      async (id) => {
        let state: Tally = { count: 0, total: 0 };
        for await (const event of store.read(id) as AsyncIterable<StoredEvent<Deposited>>) {
          HeapSampler.current?.tick();
          state = fold(state, event);
        }
        return state;
      },
    ],
    ['(c) AggregateRepository.load(id)', (id) => repository.load(id)],
  ];
  // Warm-up: JIT and connections, not measured.
  for (const [, load] of variants) await load(streams[0]?.id as string);
  const results = new Map<string, { mb: number; live: number; ms: number }>();
  for (const { length, id } of streams) {
    for (const [name, load] of variants) {
      const runs = [];
      const live = [];
      for (let trial = 0; trial < TRIALS; trial++) {
        runs.push(await new HeapSampler(false).measure(() => load(id)));
        if (trial < LIVE_TRIALS) live.push(await new HeapSampler(true).measure(() => load(id)));
      }
      results.set(`${name}@${length}`, {
        mb: medianOf(runs.map((run) => run.mb)),
        live: medianOf(live.map((run) => run.mb)),
        ms: medianOf(runs.map((run) => run.ms)),
      });
    }
  }
  const [short, long] = LENGTHS as [number, number];
  const growth = (name: string) =>
    (results.get(`${name}@${long}`)?.live ?? 0) - (results.get(`${name}@${short}`)?.live ?? 0);
  const baselineGrowth = growth(variants[0]?.[0] as string);
  const rows = variants.map(([name], index) => {
    const a = results.get(`${name}@${short}`) as { mb: number; live: number; ms: number };
    const b = results.get(`${name}@${long}`) as { mb: number; live: number; ms: number };
    return {
      load: name,
      [`live MB @${short / 1000}k / @${long / 1000}k`]: `${a.live.toFixed(1)} / ${b.live.toFixed(1)}`,
      'live growth': ratio(b.live / a.live),
      [`peak heapUsed MB @${short / 1000}k / @${long / 1000}k`]: `${a.mb.toFixed(1)} / ${b.mb.toFixed(1)}`,
      [`ms @${long / 1000}k`]: b.ms.toFixed(0),
      goal: index === 0 ? 'baseline (grows with the stream)' : 'live growth <= 10% of (a)',
      result: index === 0 ? '' : verdict(growth(name) <= 0.1 * baselineGrowth),
    };
  });
  const baseline = variants[0]?.[0] as string;
  const perEvent =
    (((results.get(`${baseline}@${long}`)?.live ?? 0) - (results.get(`${baseline}@${short}`)?.live ?? 0)) *
      MB) /
    (long - short);
  return {
    title: 'Memory: loading a long stream without a snapshot (target 6)',
    rows,
    notes: [
      `Heap growth over each load after ${gcAvailable ? 'two global.gc() calls' : 'NO gc (run node with --expose-gc)'}, sampled every 2 ms and every`,
      `500 events folded. "live": a full GC before each sample (median of ${LIVE_TRIALS} trials): what the load still`,
      `references. "peak heapUsed": no forced GC (median of ${TRIALS}): garbage of pages already folded counts until V8`,
      'collects it, so it rises with the length for every variant; it is not held (see "live").',
      `Small events (~130 B items, about 8,000 per 1 MB page): ${short.toLocaleString('en')} events are 2 pages, ${long.toLocaleString('en')} are 5.`,
      `Folding page by page holds one page whatever the length: its live heap may grow from ${short / 1000}k to ${long / 1000}k events by at most`,
      `10% of what (a) grows by. (a) holds about ${(perEvent / 1024).toFixed(2)} KB per event.`,
    ],
  };
}
