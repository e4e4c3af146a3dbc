import { InvalidEndpointError, NonLocalEndpointError } from './errors.js';

const LOCAL_HOSTNAMES: ReadonlySet<string> = new Set(['localhost', '[::1]']);
// 127.0.0.0/8: any address starting with 127 is loopback.
const LOOPBACK_IPV4 = /^127(\.\d{1,3}){3}$/;

const isLocalHostname = (hostname: string): boolean =>
  LOCAL_HOSTNAMES.has(hostname) || LOOPBACK_IPV4.test(hostname);

const parseHttpUrl = (endpoint: string): URL => {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch (error) {
    throw new InvalidEndpointError({ endpoint }, { cause: error });
  }
  // Without this, `localhost:8000` would parse as scheme `localhost:` with an empty host.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidEndpointError({ endpoint });
  return url;
};

/**
 * Throws unless `endpoint` points at this machine (`localhost`, `127.0.0.0/8` or `::1`), so connected
 * tests never write to a real AWS account by accident. Set `DYNAMO_ES_ALLOW_REMOTE_TESTS=1` to allow any host.
 *
 * @throws {@link InvalidEndpointError} if `endpoint` is not an http(s) URL.
 * @throws {@link NonLocalEndpointError} if its host is not local.
 * @example
 * ```ts
 * assertLocalEndpoint('http://127.0.0.1:8000'); // ok
 * assertLocalEndpoint('https://dynamodb.us-east-1.amazonaws.com'); // throws NonLocalEndpointError
 * ```
 */
export const assertLocalEndpoint = (endpoint: string): void => {
  const url = parseHttpUrl(endpoint);
  if (process.env.DYNAMO_ES_ALLOW_REMOTE_TESTS === '1') return;
  // WHATWG URL lower-cases hosts and normalises IPv4 forms (e.g. `127.1` becomes `127.0.0.1`).
  if (!isLocalHostname(url.hostname)) throw new NonLocalEndpointError({ endpoint, host: url.hostname });
};
