import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiGatewayEvent } from './api-event.js';
import type { HttpApiHandler } from './http-api-handler.js';

/** A running local server. */
export interface LocalServer {
  /** e.g. `http://127.0.0.1:3000` */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The port asked for is taken by another process. Thrown before anything is served, so a caller
 * can check the port before a long job and exit with a usage error instead of failing at the end.
 *
 * @example
 * if (isPortInUseError(error)) console.error(`${error.message}; pick another with --port`);
 */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  readonly code = 'PORT_IN_USE';
  constructor(
    readonly port: number,
    readonly host: string,
    options?: { cause?: unknown },
  ) {
    super(`Port ${port} on ${host} is already in use by another process`, options);
  }
}

/** True for a {@link PortInUseError}, across duplicated installs too. */
export const isPortInUseError = (error: unknown): error is PortInUseError =>
  (error as { code?: unknown } | null)?.code === 'PORT_IN_USE';

/**
 * Resolves when `port` can be listened on (by binding it and letting it go at once); port 0 always
 * can. Run it before a long job whose end serves on the port.
 *
 * @throws PortInUseError when another process holds the port.
 * @example
 * await assertPortAvailable(3000); // before the workload; startLocalServer(handler, { port: 3000 }) after it
 */
export async function assertPortAvailable(port: number, host = '127.0.0.1'): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await listen(probe, port, host);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, host, { cause: error }) : error),
    );
    server.listen(port, host, () => resolve());
  });
}

// Far above any valid body; the handler itself refuses bodies over 16 KB with a 413.
const MAX_READ_BYTES = 1024 * 1024;

/**
 * Serves the Lambda HTTP handler on localhost with `node:http`: each request becomes the API
 * Gateway v2 event AWS would send, and the handler's result becomes the response. For `curl`ing
 * the bank while the demo runs; not a production server. The request target is taken as the
 * path as it is (`//accounts/a` is no route, not `GET /a`), and a body over 1 MB is answered 413
 * after reading only that much.
 *
 * @throws PortInUseError when the port is taken.
 *
 * @example
 * const server = await startLocalServer(handler, { port: 3000 });
 * console.log(`curl ${server.url}/accounts/acc-1`);
 */
export async function startLocalServer(
  handler: HttpApiHandler,
  options: { readonly port?: number; readonly host?: string } = {},
): Promise<LocalServer> {
  const server = createServer((request, response) => {
    serve(handler, request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'INTERNAL_ERROR', message: String(error) } }));
    });
  });
  const host = options.host ?? '127.0.0.1';
  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function serve(
  handler: HttpApiHandler,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const body = await readBody(request);
  if (body === undefined) {
    response.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
    response.end(JSON.stringify({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'The body is too large' } }));
    return;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const result = await handler(
    apiGatewayEvent({
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      headers,
      body,
      ...(request.socket.remoteAddress ? { sourceIp: request.socket.remoteAddress } : {}),
    }),
  );
  response.writeHead(result.statusCode ?? 200, (result.headers ?? {}) as Record<string, string>);
  response.end(result.body ?? '');
}

/** The body as text, or `undefined` when it is larger than {@link MAX_READ_BYTES}. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_READ_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
