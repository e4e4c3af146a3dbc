import { createEmbeddedMetrics, createJsonLogger } from '@dynamo-es/event-store';

/**
 * What the functions report, set up once per container: JSON log lines carrying each invocation's
 * request id and cold start, and CloudWatch metrics in embedded metric format, written in one
 * flush at the end of each invocation (`instrumentHandler`). Powertools' `Logger` and `Metrics`
 * fit the same places as they are (`new Logger({ serviceName })`, `new Metrics({ namespace })`).
 *
 * @example
 * const { logger, metrics } = functionObservability('bank-http');
 */
export function functionObservability(serviceName: string) {
  return {
    logger: createJsonLogger({ serviceName }),
    metrics: createEmbeddedMetrics({ namespace: 'DynamoEsBank', dimensions: { service: serviceName } }),
  };
}
