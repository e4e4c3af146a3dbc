/** Units understood by CloudWatch (a subset). */
export type MetricUnit = 'Count' | 'Milliseconds' | 'Seconds' | 'Bytes';

/**
 * Receives dynamo-es metrics: `EventsAppended`, `AppendConflicts`, `AppendRetries`,
 * `EventsProjected`, `ProjectionLag`, ... Adapt it to any backend; {@link createEmbeddedMetrics}
 * writes CloudWatch embedded metric format.
 *
 * @example
 * const metrics: Metrics = { record: (name, value, unit) => statsd.gauge(name, value) };
 */
export interface Metrics {
  record(name: string, value: number, unit: MetricUnit, dimensions?: Record<string, string>): void;
}

/** The default: records nothing. */
export const noMetrics: Metrics = { record: () => {} };

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

/**
 * Metrics as CloudWatch embedded metric format (EMF) log lines: in Lambda, CloudWatch turns each
 * line into metrics with no API calls and no extra latency.
 *
 * @example
 * const store = new EventStore({ client, tableName, metrics: createEmbeddedMetrics({ namespace: 'Bank' }) });
 */
export function createEmbeddedMetrics(options: EmbeddedMetricsOptions): Metrics {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  return {
    record(name, value, unit, dimensions) {
      const all = { ...options.dimensions, ...dimensions };
      const keys = Object.keys(all);
      write(
        JSON.stringify({
          _aws: {
            Timestamp: now(),
            CloudWatchMetrics: [
              { Namespace: options.namespace, Dimensions: [keys], Metrics: [{ Name: name, Unit: unit }] },
            ],
          },
          ...all,
          [name]: value,
        }),
      );
    },
  };
}
