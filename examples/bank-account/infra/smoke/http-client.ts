import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** One request sent to the deployed API, and how long it took. */
export interface Sent {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ms: number;
}

/**
 * Calls the deployed HTTP API and records every request's latency.
 *
 * @example
 * const api = new ApiClient('https://abc.execute-api.eu-west-1.amazonaws.com/');
 * const { status, body } = await api.call('POST', '/accounts', { owner: 'Ada', currency: 'EUR' });
 */
export class ApiClient {
  readonly sent: Sent[] = [];
  readonly #base: string;

  constructor(baseUrl: string) {
    this.#base = baseUrl.replace(/\/+$/, '');
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown; headers: Headers }> {
    const started = performance.now();
    const response = await fetch(`${this.#base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    this.sent.push({ method, path, status: response.status, ms: performance.now() - started });
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  /** The API as an `HttpApiHandler`, so the example's own verification reads through the real API. */
  asHandler(): (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2> {
    return async (event) => {
      const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
      const answer = await this.call(
        event.requestContext.http.method,
        `${event.rawPath}${query}`,
        event.body,
      );
      return {
        statusCode: answer.status,
        body: answer.body === undefined ? '' : JSON.stringify(answer.body),
      };
    };
  }

  /** p50, p95 and the maximum latency in milliseconds. */
  latency(): { p50: number; p95: number; max: number } {
    const sorted = this.sent.map((sent) => sent.ms).sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? 0 };
  }
}
