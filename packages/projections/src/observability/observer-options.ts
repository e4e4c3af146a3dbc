import { type Logger, type MetricsSink, noMetrics, silentLogger, toMetrics } from '@dynamo-es/event-store';
import type { EventSource } from '../event-source.js';
import { ProjectionObserver } from './projection-observer.js';

/** The logger and metrics of the read models: their own, else the event store's, else none. */
export function observerFor(
  options: { readonly logger?: Logger; readonly metrics?: MetricsSink },
  eventStore: EventSource,
): ProjectionObserver {
  return new ProjectionObserver(
    options.logger ?? eventStore.logger ?? silentLogger,
    options.metrics ? toMetrics(options.metrics) : (eventStore.metrics ?? noMetrics),
  );
}
