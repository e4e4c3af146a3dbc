/** The part of `@opentelemetry/api` dynamo-es uses; loaded only when the package is installed. */
interface OtelApi {
  trace: {
    getTracer(name: string): {
      startActiveSpan<T>(name: string, fn: (span: OtelSpan) => T): T;
    };
  };
  SpanStatusCode: { ERROR: number };
}
interface OtelSpan {
  setAttribute(key: string, value: string | number | boolean): void;
  recordException(error: unknown): void;
  setStatus(status: { code: number; message?: string }): void;
  end(): void;
}

let otel: OtelApi | null | undefined;

async function loadOtel(): Promise<OtelApi | null> {
  if (otel !== undefined) return otel;
  try {
    // A variable specifier keeps bundlers and the type checker from requiring the package.
    const specifier = '@opentelemetry/api';
    otel = (await import(specifier)) as OtelApi;
  } catch {
    otel = null;
  }
  return otel;
}

/**
 * Runs `fn` inside an OpenTelemetry span named `name` when `@opentelemetry/api` is installed (and
 * a tracer provider is registered), or just runs it otherwise. Errors are recorded on the span.
 */
export async function withSpan<T>(
  name: string,
  attributes: Record<string, string | number | boolean>,
  fn: () => Promise<T>,
): Promise<T> {
  const api = await loadOtel();
  if (!api) return fn();
  return api.trace.getTracer('dynamo-es').startActiveSpan(name, async (span) => {
    for (const [key, value] of Object.entries(attributes)) span.setAttribute(key, value);
    try {
      return await fn();
    } catch (error) {
      span.recordException(error);
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
