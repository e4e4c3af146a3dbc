import type { ProjectionRef } from '../keys.js';
import { safely } from '../observability/logger.js';
import type { ProjectionObserver } from '../observability/projection-observer.js';
import type { RebuildProgress, RebuildResult } from './rebuild.js';

/** How often a running rebuild logs its progress. */
export const REBUILD_PROGRESS_LOG_INTERVAL_MS = 10_000;

/** Logs a rebuild's start, its progress (`info`, at most every 10 s) and its summary. */
export class RebuildReporter {
  readonly #observer: ProjectionObserver;
  readonly #ref: ProjectionRef;
  #lastLoggedAt = Date.now();

  constructor(observer: ProjectionObserver, ref: ProjectionRef) {
    this.#observer = observer;
    this.#ref = ref;
  }

  started(segments: number): void {
    this.#info('dynamo-es: projection rebuild started', { segments });
  }

  progress(progress: RebuildProgress): void {
    if (Date.now() - this.#lastLoggedAt < REBUILD_PROGRESS_LOG_INTERVAL_MS) return;
    this.#lastLoggedAt = Date.now();
    const eventsPerSecond =
      progress.elapsedMs > 0 ? Math.round((progress.events * 1000) / progress.elapsedMs) : 0;
    this.#info('dynamo-es: projection rebuild progress', { ...progress, eventsPerSecond });
  }

  finished(result: RebuildResult): void {
    const { projection: _name, version: _version, ...counts } = result;
    this.#info('dynamo-es: projection rebuild finished', counts);
  }

  #info(message: string, details: Record<string, unknown>): void {
    const { name, version } = this.#ref;
    safely(() =>
      this.#observer.logger.info(message, { projection: name, projectionVersion: version, ...details }),
    );
  }
}
