/** Network errors meaning DynamoDB could not be reached (or the connection broke). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** SDK error names meaning DynamoDB is there but cannot serve the request now. */
const BUSY_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

/**
 * True when an error (or one of its causes) says DynamoDB could not be reached or could not serve
 * the request, after the SDK's own retries: a client should retry later, nothing is wrong with the
 * request. Such errors carry no application code, so they would otherwise be a 500.
 *
 * @example
 * if (isDynamoDBUnavailable(error)) return reply(503, 'SERVICE_UNAVAILABLE', 'retry');
 */
export function isDynamoDBUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, name, $metadata } = current as {
      code?: unknown;
      name?: unknown;
      $metadata?: { httpStatusCode?: number };
    };
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (typeof name === 'string' && BUSY_NAMES.has(name)) return true;
    const status = $metadata?.httpStatusCode;
    if (typeof status === 'number' && status >= 500) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
