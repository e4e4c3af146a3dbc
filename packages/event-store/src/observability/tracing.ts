/** The part of `@opentelemetry/api` dynamo-es uses; loaded only when the package is installed. */
interface OtelApi {
  trace: { getTracer(name: string): OpenTelemetryTracerLike };
  SpanStatusCode: { ERROR: number };
}

/** The part of an OpenTelemetry `Tracer` (`trace.getTracer(name)`) that dynamo-es uses. */
export interface OpenTelemetryTracerLike {
  startActiveSpan<T>(name: string, fn: (span: OpenTelemetrySpanLike) => T): T;
}

export interface OpenTelemetrySpanLike {
  setAttribute(key: string, value: string | number | boolean): unknown;
  recordException(error: Error | string): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}

/** The part of an X-Ray subsegment (`aws-xray-sdk-core`) that dynamo-es uses. */
export interface XRaySubsegmentLike {
  addAnnotation(key: string, value: string | number | boolean): unknown;
  addError(error: Error | string): unknown;
  close(): unknown;
}

/**
 * The part of Powertools for AWS Lambda's `Tracer` (`@aws-lambda-powertools/tracer` 2.x) that
 * dynamo-es uses, so a `new Tracer()` fits as it is.
 */
export interface PowertoolsTracerLike {
  isTracingEnabled(): boolean;
  readonly provider: {
    captureAsyncFunc(name: string, fcn: (subsegment?: XRaySubsegmentLike) => unknown): unknown;
  };
}

/**
 * Where spans go: Powertools' `Tracer` (X-Ray subsegments) or an OpenTelemetry `Tracer`. Without
 * one, spans go to `@opentelemetry/api`'s global tracer when that package is installed.
 */
export type Tracer = PowertoolsTracerLike | OpenTelemetryTracerLike;

type Attributes = Record<string, string | number | boolean>;

const ERROR_STATUS = 2; // SpanStatusCode.ERROR in every @opentelemetry/api 1.x

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
 * Runs `fn` inside a span named `name`: an X-Ray subsegment with `tracer` from Powertools, an
 * OpenTelemetry span with an OpenTelemetry tracer, or, without `tracer`, an OpenTelemetry span
 * when `@opentelemetry/api` is installed (and a tracer provider is registered); else it just runs
 * `fn`. Errors are recorded on the span and thrown on. X-Ray annotation keys allow only letters,
 * digits and `_`, so `dynamo_es.stream_id` becomes the annotation `dynamo_es_stream_id` there.
 *
 * @example
 * const result = await withSpan('orders.place', { 'orders.id': id }, () => place(id), new Tracer());
 */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
  tracer?: Tracer,
): Promise<T> {
  if (tracer !== undefined && 'provider' in tracer) return withSubsegment(tracer, name, attributes, fn);
  if (tracer !== undefined) return withOtelSpan(tracer, ERROR_STATUS, name, attributes, fn);
  const api = await loadOtel();
  if (!api) return fn();
  return withOtelSpan(api.trace.getTracer('dynamo-es'), api.SpanStatusCode.ERROR, name, attributes, fn);
}

function withOtelSpan<T>(
  tracer: OpenTelemetryTracerLike,
  errorCode: number,
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, async (span) => {
    for (const [key, value] of Object.entries(attributes)) span.setAttribute(key, value);
    try {
      return await fn();
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: errorCode, message: String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

function withSubsegment<T>(
  tracer: PowertoolsTracerLike,
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  if (!tracer.isTracingEnabled()) return fn();
  // captureAsyncFunc runs `fn` in a context of its own with the new subsegment as the current one,
  // so concurrent spans of one invocation nest correctly (setSegment alone would not).
  return tracer.provider.captureAsyncFunc(name, async (subsegment) => {
    for (const [key, value] of Object.entries(attributes))
      subsegment?.addAnnotation(key.replace(/[^A-Za-z0-9_]/g, '_'), value);
    try {
      return await fn();
    } catch (error) {
      subsegment?.addError(error instanceof Error ? error : String(error));
      throw error;
    } finally {
      subsegment?.close();
    }
  }) as Promise<T>;
}
