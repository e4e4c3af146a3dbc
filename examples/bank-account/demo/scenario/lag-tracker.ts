import { performance } from 'node:perf_hooks';
import type { Metrics } from '@dynamo-es/event-store';

/**
 * Measures how far the projections trail the commands: the age of the oldest event appended but
 * not yet projected. It learns appends from the event store's `EventsAppended` metric and
 * projections from the runner's acknowledged records (the events table's stream holds one record
 * per event). (The runner's own iterator age comes from `ApproximateCreationDateTime`, which
 * DynamoDB Local rounds too coarsely to be useful.)
 */
export class LagTracker {
  /** When the total of appended events reached each value, oldest first. */
  readonly #appends: { readonly at: number; readonly total: number }[] = [];
  #total = 0;
  #max = 0;
  #sum = 0;
  #samples = 0;

  /** Give this to the `EventStore` (through `createBankApp`). */
  readonly metrics: Metrics = {
    record: (name, value) => {
      if (name !== 'EventsAppended') return;
      this.#total += value;
      this.#appends.push({ at: performance.now(), total: this.#total });
    },
  };

  /** Records the lag now, given how many events the projections have acknowledged. */
  sample(acknowledged: number): void {
    while (this.#appends.length > 0 && (this.#appends[0]?.total ?? 0) <= acknowledged) this.#appends.shift();
    const oldest = this.#appends[0];
    const lag = oldest === undefined ? 0 : performance.now() - oldest.at;
    this.#max = Math.max(this.#max, lag);
    this.#sum += lag;
    this.#samples++;
  }

  get appended(): number {
    return this.#total;
  }

  get maxMs(): number {
    return this.#max;
  }

  get meanMs(): number {
    return this.#samples === 0 ? 0 : this.#sum / this.#samples;
  }
}
