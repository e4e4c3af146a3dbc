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
  /** A named stage (e.g. `prod`): API Gateway then puts it in front of the path, as in `/prod/accounts`. */
  readonly stage?: string;
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
  const { path, search } = splitRequestTarget(request.url);
  const query = new Map<string, string>();
  // API Gateway joins repeated parameters with commas.
  for (const [name, value] of new URLSearchParams(search))
    query.set(name, query.has(name) ? `${query.get(name)},${value}` : value);
  const headers = { ...request.headers };
  const now = new Date();
  const stage = request.stage ?? '$default';
  const rawPath = request.stage === undefined ? path : `/${request.stage}${path}`;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: search,
    headers,
    ...(query.size > 0 ? { queryStringParameters: Object.fromEntries(query) } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method.toUpperCase(),
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage,
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(request.body === undefined || request.body === '' ? {} : { body: request.body }),
    isBase64Encoded: false,
  };
}

/**
 * The path and query string of an HTTP request target (`/accounts/a?page=2`), taken as they are.
 * Not `new URL(target, base)`: it reads `//evil.com/accounts/alice` as the host `evil.com` and the
 * path `/accounts/alice`, while the path really is `//evil.com/accounts/alice` (no route).
 */
export function splitRequestTarget(target: string): { readonly path: string; readonly search: string } {
  const withoutFragment = target.split('#', 1)[0] ?? '';
  const query = withoutFragment.indexOf('?');
  const path = query === -1 ? withoutFragment : withoutFragment.slice(0, query);
  return {
    path: path.startsWith('/') ? path : `/${path}`,
    search: query === -1 ? '' : withoutFragment.slice(query + 1),
  };
}
