import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** The parts of an HTTP request that an API Gateway HTTP API event carries. */
export interface HttpRequest {
  readonly method: string;
  /** Path and query string, e.g. `/accounts/acc-1/statement?page=2`. */
  readonly url: string;
  /** Header names in lower case, as API Gateway passes them. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly sourceIp?: string;
}

/**
 * The API Gateway HTTP API (payload format 2.0) event for a request, as API Gateway builds it for
 * a `$default` stage: what the local server and the scenario hand to the Lambda handler, so they
 * run exactly the code that runs in AWS.
 *
 * @example
 * await handler(apiGatewayEvent({ method: 'GET', url: '/accounts/acc-1' }));
 */
export function apiGatewayEvent(request: HttpRequest): APIGatewayProxyEventV2 {
  const url = new URL(request.url, 'http://localhost');
  const query = new Map<string, string>();
  // API Gateway joins repeated parameters with commas.
  for (const [name, value] of url.searchParams)
    query.set(name, query.has(name) ? `${query.get(name)},${value}` : value);
  const headers = { ...request.headers };
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(query.size > 0 ? { queryStringParameters: Object.fromEntries(query) } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method.toUpperCase(),
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(request.body === undefined || request.body === '' ? {} : { body: request.body }),
    isBase64Encoded: false,
  };
}
