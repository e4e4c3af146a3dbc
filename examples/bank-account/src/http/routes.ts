import { HttpError } from './http-error.js';

/** Every operation of the HTTP API. */
export type RouteName =
  | 'openAccount'
  | 'deposit'
  | 'withdraw'
  | 'transfer'
  | 'closeAccount'
  | 'getAccount'
  | 'getStatement'
  | 'getBankTotals'
  | 'approveTransfer'
  | 'rejectTransfer'
  | 'getTransfer';

interface Route {
  readonly method: 'GET' | 'POST';
  /**
   * The path, `{id}` standing for an account id and `{transferId}` for a large transfer's id: the
   * same templates as the CDK stack's routes.
   */
  readonly path: string;
  readonly name: RouteName;
}

/**
 * The routes, as in `infra/src/bank-http-api.ts` (API Gateway only forwards those), plus
 * `GET /bank`, which the local server offers (see the README).
 */
export const ROUTES: readonly Route[] = [
  { method: 'POST', path: '/accounts', name: 'openAccount' },
  { method: 'POST', path: '/accounts/{id}/deposits', name: 'deposit' },
  { method: 'POST', path: '/accounts/{id}/withdrawals', name: 'withdraw' },
  { method: 'POST', path: '/transfers', name: 'transfer' },
  { method: 'POST', path: '/accounts/{id}/close', name: 'closeAccount' },
  { method: 'GET', path: '/accounts/{id}', name: 'getAccount' },
  { method: 'GET', path: '/accounts/{id}/statement', name: 'getStatement' },
  { method: 'GET', path: '/bank', name: 'getBankTotals' },
  { method: 'POST', path: '/transfers/{transferId}/approve', name: 'approveTransfer' },
  { method: 'POST', path: '/transfers/{transferId}/reject', name: 'rejectTransfer' },
  { method: 'GET', path: '/transfers/{transferId}', name: 'getTransfer' },
];

/** A request matched to its route; `accountId` is the decoded `{id}` segment, `transferId` the `{transferId}` one. */
export interface RouteMatch {
  readonly name: RouteName;
  readonly accountId: string | undefined;
  readonly transferId?: string | undefined;
}

/**
 * The path a route is matched on: API Gateway's `rawPath` without the stage. Behind a named stage
 * (`https://…/prod/accounts`), `rawPath` is `/prod/accounts`; on the `$default` stage and behind a
 * custom domain's API mapping it has no stage prefix.
 *
 * @example
 * pathWithoutStage('/prod/accounts/alice', 'prod'); // '/accounts/alice'
 */
export function pathWithoutStage(rawPath: string, stage: string | undefined): string {
  if (stage === undefined || stage === '' || stage === '$default') return rawPath;
  const prefix = `/${stage}`;
  if (rawPath === prefix) return '/';
  return rawPath.startsWith(`${prefix}/`) ? rawPath.slice(prefix.length) : rawPath;
}

/**
 * Finds the route of a request.
 *
 * @throws HttpError 404 `ROUTE_NOT_FOUND` for an unknown path, 405 `METHOD_NOT_ALLOWED` (with an
 * `Allow` header) for a known path and another method, 400 for a malformed `%` escape.
 */
export function matchRoute(method: string, rawPath: string): RouteMatch {
  const segments = rawPath.replace(/\/+$/, '').split('/').slice(1);
  const matches = ROUTES.map((route) => ({ route, id: matchPath(route.path, segments) })).filter(
    (candidate) => candidate.id !== null,
  );
  const match = matches.find((candidate) => candidate.route.method === method.toUpperCase());
  if (match) {
    const id = decode(match.id ?? undefined);
    return match.route.path.includes('{transferId}')
      ? { name: match.route.name, accountId: undefined, transferId: id }
      : { name: match.route.name, accountId: id };
  }
  if (matches.length === 0) {
    throw new HttpError(404, 'ROUTE_NOT_FOUND', `No route ${method} ${rawPath}; see the README for the API`);
  }
  const allow = [...new Set(matches.map((candidate) => candidate.route.method))].join(', ');
  throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${rawPath} accepts ${allow}, not ${method}`, undefined, {
    allow,
  });
}

/** The raw `{id}` segment when `segments` fit the template (`undefined` if it has none), else `null`. */
function matchPath(template: string, segments: readonly string[]): string | undefined | null {
  const parts = template.split('/').slice(1);
  if (parts.length !== segments.length) return null;
  let id: string | undefined;
  for (const [index, part] of parts.entries()) {
    const segment = segments[index] ?? '';
    if ((part === '{id}' || part === '{transferId}') && segment !== '') id = segment;
    else if (part !== segment) return null;
  }
  return id;
}

function decode(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'INVALID_ACCOUNT_ID', `The account id in the path is not valid URL encoding`);
  }
}
