import type { Logger } from './logger.js';

/** The fields of a Lambda `Context` the logger puts on each line. */
export interface LambdaContextLike {
  readonly awsRequestId: string;
  readonly functionName?: string;
  readonly functionVersion?: string;
  readonly invokedFunctionArn?: string;
  readonly memoryLimitInMB?: string | number;
}

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface JsonLoggerOptions {
  /** Lowest level written (default: `POWERTOOLS_LOG_LEVEL`, `AWS_LAMBDA_LOG_LEVEL`, else `INFO`). */
  readonly level?: LogLevel;
  /** The `service` key of every line (default: `POWERTOOLS_SERVICE_NAME`, else none). */
  readonly serviceName?: string;
  /** Where lines go (default: `process.stdout`, which Lambda ships to CloudWatch Logs). */
  readonly write?: (line: string) => void;
  /** Clock, for tests. */
  readonly now?: () => Date;
}

/** A {@link Logger} that also takes the Lambda context of the current invocation. */
export interface JsonLogger extends Logger {
  /** Puts the invocation's request id, function and cold start on every line until the next call. */
  addContext(context: LambdaContextLike): void;
}

const LEVELS: Readonly<Record<LogLevel, number>> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3 };

// Module-wide: the first invocation a process sees is its cold start, whichever logger logs it.
let invocations = 0;

/**
 * One JSON object per line, with the keys Powertools' Logger uses (`level`, `message`,
 * `timestamp`, `service`, and after {@link JsonLogger.addContext}: `cold_start`, `function_name`,
 * `function_request_id`, `xray_trace_id`, ...), so CloudWatch Logs Insights queries work on both.
 * Errors among the attributes are written as `{ name, message, stack }`. For apps that do not use
 * Powertools; with Powertools, pass its `Logger` instead.
 *
 * @example
 * const logger = createJsonLogger({ serviceName: 'bank' });
 * export const handler = instrumentHandler(async (event) => { ... }, { logger });
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): JsonLogger {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const threshold = LEVELS[options.level ?? levelFromEnvironment()];
  const service = options.serviceName ?? process.env.POWERTOOLS_SERVICE_NAME;
  let context: Record<string, unknown> = {};
  const log =
    (level: LogLevel) =>
    (message: string, ...attributes: Record<string, unknown>[]) => {
      if (LEVELS[level] < threshold) return;
      const line: Record<string, unknown> = {
        level,
        message,
        timestamp: now().toISOString(),
        ...(service ? { service } : {}),
        ...context,
      };
      for (const extra of attributes) Object.assign(line, extra);
      write(JSON.stringify(line, errorsAsObjects));
    };
  return {
    debug: log('DEBUG'),
    info: log('INFO'),
    warn: log('WARN'),
    error: log('ERROR'),
    addContext(lambda) {
      invocations += 1;
      const traceId = process.env._X_AMZN_TRACE_ID;
      context = {
        cold_start: invocations === 1,
        function_request_id: lambda.awsRequestId,
        ...(lambda.functionName ? { function_name: lambda.functionName } : {}),
        ...(lambda.functionVersion ? { function_version: lambda.functionVersion } : {}),
        ...(lambda.invokedFunctionArn ? { function_arn: lambda.invokedFunctionArn } : {}),
        ...(lambda.memoryLimitInMB ? { function_memory_size: Number(lambda.memoryLimitInMB) } : {}),
        ...(traceId ? { xray_trace_id: traceId.split(';')[0]?.replace('Root=', '') } : {}),
      };
    },
  };
}

function levelFromEnvironment(): LogLevel {
  const raw = (process.env.POWERTOOLS_LOG_LEVEL ?? process.env.AWS_LAMBDA_LOG_LEVEL ?? '').toUpperCase();
  if (raw === 'TRACE') return 'DEBUG';
  if (raw === 'FATAL' || raw === 'CRITICAL') return 'ERROR';
  return raw in LEVELS ? (raw as LogLevel) : 'INFO';
}

function errorsAsObjects(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  return { name: value.name, message: value.message, stack: value.stack };
}
