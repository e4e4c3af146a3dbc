/** Units understood by CloudWatch (a subset). */
export type MetricUnit = 'Count' | 'Milliseconds' | 'Seconds' | 'Bytes';

/**
 * Receives dynamo-es metrics: `EventsAppended`, `AppendConflicts`, `AppendRetries`,
 * `EventsProjected`, `ProjectionLag`, ... Adapt it to any backend; {@link createEmbeddedMetrics}
 * writes CloudWatch embedded metric format, and Powertools' `Metrics` is accepted as it is
 * wherever a {@link MetricsSink} is (see {@link toMetrics}).
 *
 * @example
 * const metrics: Metrics = { record: (name, value, unit) => statsd.gauge(name, value) };
 */
export interface Metrics {
  record(name: string, value: number, unit: MetricUnit, dimensions?: Record<string, string>): void;
}

/**
 * The part of Powertools for AWS Lambda's `Metrics` (`@aws-lambda-powertools/metrics` 2.x) that
 * dynamo-es uses, so a `new Metrics({ namespace })` fits with no adapter and no dependency on it.
 */
export interface PowertoolsMetricsLike {
  addMetric(name: string, unit: MetricUnit, value: number): unknown;
  singleMetric(): {
    addDimension(name: string, value: string): unknown;
    addMetric(name: string, unit: MetricUnit, value: number): unknown;
  };
  publishStoredMetrics(): unknown;
}

/** What the `metrics` options take: a {@link Metrics}, or Powertools' `Metrics` as it is. */
export type MetricsSink = Metrics | PowertoolsMetricsLike;

/** The default: records nothing. */
export const noMetrics: Metrics = { record: () => {} };

/**
 * A {@link Metrics} for what a `metrics` option was given. Powertools' `Metrics`: metrics without
 * dimensions are stored with `addMetric` and leave in its next `publishStoredMetrics()` (one EMF
 * line per invocation, e.g. by {@link instrumentHandler} or its `logMetrics` middleware); metrics
 * with dimensions of their own (a projection's name) need a dimension set of their own, so they
 * go through `singleMetric()`, which writes one line each. {@link createEmbeddedMetrics} batches
 * both kinds.
 *
 * @example
 * const metrics = toMetrics(new Metrics({ namespace: 'Bank' })); // Powertools
 * metrics.record('EventsAppended', 2, 'Count');
 */
export function toMetrics(sink: MetricsSink | undefined): Metrics {
  if (sink === undefined) return noMetrics;
  if (typeof (sink as Metrics).record === 'function') return sink as Metrics;
  const powertools = sink as PowertoolsMetricsLike;
  return {
    record(name, value, unit, dimensions) {
      const entries = Object.entries(dimensions ?? {});
      if (entries.length === 0) {
        powertools.addMetric(name, unit, value);
        return;
      }
      const single = powertools.singleMetric();
      for (const [key, dimension] of entries) single.addDimension(key, dimension);
      single.addMetric(name, unit, value);
    },
  };
}

/** True for a metrics sink that buffers and must be flushed at the end of an invocation. */
export function flushMetrics(sink: unknown): void {
  const target = sink as { flush?: unknown; publishStoredMetrics?: unknown } | null | undefined;
  if (typeof target?.flush === 'function') (target as { flush(): void }).flush();
  else if (typeof target?.publishStoredMetrics === 'function')
    (target as { publishStoredMetrics(): void }).publishStoredMetrics();
}
