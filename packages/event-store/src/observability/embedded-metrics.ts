import type { Metrics, MetricUnit } from './metrics.js';

export interface EmbeddedMetricsOptions {
  /** CloudWatch namespace, e.g. `'BankAccount'`. */
  readonly namespace: string;
  /** Dimensions added to every metric, e.g. `{ service: 'bank' }`. */
  readonly dimensions?: Record<string, string>;
  /** Where the JSON lines go (default: `process.stdout`, which Lambda ships to CloudWatch Logs). */
  readonly write?: (line: string) => void;
  /** Clock, for tests. */
  readonly now?: () => number;
}

/** {@link Metrics} that buffer until {@link EmbeddedMetrics.flush}. */
export interface EmbeddedMetrics extends Metrics {
  /** Writes what was recorded since the last flush: one line per set of dimension values. */
  flush(): void;
  /** How many values wait for the next flush. */
  readonly pending: number;
}

// CloudWatch's limits for one EMF document: 100 metrics per directive, 100 values per metric.
const MAX_METRICS = 100;
const MAX_VALUES = 100;

interface Group {
  readonly dimensions: Record<string, string>;
  readonly metrics: Map<string, { unit: MetricUnit; values: number[] }>;
}

/**
 * Metrics as CloudWatch embedded metric format (EMF): values are buffered and written by
 * `flush()` as one JSON line per set of dimension values (each metric's values as an array), so
 * an invocation that records 40 metrics writes one or two lines, not 40. In Lambda, CloudWatch
 * turns the lines into metrics with no API calls; flush once per invocation, e.g. with
 * {@link instrumentHandler}. A metric reaching 100 values, or a line reaching 100 metrics, is
 * flushed at once (CloudWatch's limits), so the buffer stays bounded without a flush.
 *
 * @example
 * const metrics = createEmbeddedMetrics({ namespace: 'Bank' });
 * const store = new EventStore({ client, tableName, metrics });
 * export const handler = instrumentHandler(async (event) => { ... }, { metrics });
 */
export function createEmbeddedMetrics(options: EmbeddedMetricsOptions): EmbeddedMetrics {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const groups = new Map<string, Group>();
  let pending = 0;

  const writeGroup = (key: string, group: Group) => {
    groups.delete(key);
    if (group.metrics.size === 0) return;
    const definitions = [...group.metrics].map(([name, { unit }]) => ({ Name: name, Unit: unit }));
    const values = Object.fromEntries(
      [...group.metrics].map(([name, { values }]) => [name, values.length === 1 ? values[0] : values]),
    );
    for (const { values } of group.metrics.values()) pending -= values.length;
    const dimensionNames = Object.keys(group.dimensions);
    write(
      JSON.stringify({
        _aws: {
          Timestamp: now(),
          CloudWatchMetrics: [
            { Namespace: options.namespace, Dimensions: [dimensionNames], Metrics: definitions },
          ],
        },
        ...group.dimensions,
        ...values,
      }),
    );
  };

  return {
    get pending() {
      return pending;
    },
    record(name, value, unit, dimensions) {
      const all = { ...options.dimensions, ...dimensions };
      const key = JSON.stringify(Object.entries(all).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      let group = groups.get(key);
      if (group && !group.metrics.has(name) && group.metrics.size >= MAX_METRICS) {
        writeGroup(key, group);
        group = undefined;
      }
      if (!group) {
        group = { dimensions: all, metrics: new Map() };
        groups.set(key, group);
      }
      const metric = group.metrics.get(name) ?? { unit, values: [] };
      group.metrics.set(name, metric);
      metric.values.push(value);
      pending += 1;
      if (metric.values.length >= MAX_VALUES) writeGroup(key, group);
    },
    flush() {
      for (const [key, group] of [...groups]) writeGroup(key, group);
    },
  };
}
