import type { LambdaContextLike } from './json-logger.js';
import { flushMetrics } from './metrics.js';

/** What {@link instrumentHandler} looks after: any of them may be left out. */
export interface HandlerInstruments {
  /** Given each invocation's context when it has `addContext` (Powertools' `Logger`, `createJsonLogger`). */
  readonly logger?: object;
  /** Flushed after each invocation: `flush()` (`createEmbeddedMetrics`) or `publishStoredMetrics()` (Powertools). */
  readonly metrics?: object | readonly object[];
}

/**
 * Wraps an async Lambda handler so that each invocation's log lines carry its request id and
 * cold start, and the metrics it recorded leave in one flush when it ends (also when it throws):
 * one EMF line per invocation and dimension set instead of one per metric. A flush that throws
 * never fails the invocation.
 *
 * @example
 * const logger = new Logger({ serviceName: 'bank' }); // or createJsonLogger()
 * const metrics = createEmbeddedMetrics({ namespace: 'Bank' }); // or Powertools' new Metrics()
 * const store = new EventStore({ client, tableName, logger, metrics });
 * export const handler = instrumentHandler(async (event: APIGatewayProxyEventV2) => answer(event), { logger, metrics });
 */
export function instrumentHandler<Event, Result, Context extends LambdaContextLike>(
  handler: (event: Event, context: Context) => Promise<Result>,
  instruments: HandlerInstruments,
): (event: Event, context: Context) => Promise<Result> {
  const sinks = [instruments.metrics ?? []].flat();
  const logger = instruments.logger as { addContext?: (context: LambdaContextLike) => void } | undefined;
  return async (event, context) => {
    if (context && typeof logger?.addContext === 'function') logger.addContext(context);
    try {
      return await handler(event, context);
    } finally {
      for (const sink of sinks) {
        try {
          flushMetrics(sink);
        } catch {
          // Metrics are best effort: losing a flush must not fail the request.
        }
      }
    }
  };
}
