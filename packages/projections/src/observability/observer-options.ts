import { type Logger, type Metrics, noMetrics, silentLogger } from '@dynamo-es/event-store';
import type { EventSource } from '../apply/types.js';
import type { ProjectionLogger } from './logger.js';
import { toLogger } from './logger.js';
import { ProjectionObserver } from './projection-observer.js';

/** The logger and metrics of an operation that reads an event store: its own, else the store's. */
export function observerFor(
  options: { readonly logger?: Logger | ProjectionLogger; readonly metrics?: Metrics },
  eventStore: EventSource,
): ProjectionObserver {
  return new ProjectionObserver(
    toLogger(options.logger, eventStore.logger ?? silentLogger),
    options.metrics ?? eventStore.metrics ?? noMetrics,
  );
}
