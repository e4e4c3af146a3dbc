/**
 * Stable error codes of `@dynamo-es/local`. Compare codes (or use the `isXError()` guards) rather than
 * `instanceof`, so checks keep working when the package is installed twice.
 *
 * @example
 * ```ts
 * if (isDynamoDBLocalError(error) && error.code === LOCAL_ERROR_CODES.javaTooOld) process.exit(2);
 * ```
 */
export const LOCAL_ERROR_CODES = {
  javaNotFound: 'JAVA_NOT_FOUND',
  javaTooOld: 'JAVA_TOO_OLD',
  dynamoDBLocalExited: 'DYNAMODB_LOCAL_EXITED',
  dynamoDBLocalStartupTimeout: 'DYNAMODB_LOCAL_STARTUP_TIMEOUT',
  invalidEndpoint: 'INVALID_ENDPOINT',
  nonLocalEndpoint: 'NON_LOCAL_ENDPOINT',
} as const;

/**
 * One of {@link LOCAL_ERROR_CODES}.
 *
 * @example
 * ```ts
 * const code: LocalErrorCode = 'JAVA_NOT_FOUND';
 * ```
 */
export type LocalErrorCode = (typeof LOCAL_ERROR_CODES)[keyof typeof LOCAL_ERROR_CODES];

/** How to get a suitable Java, appended to the Java errors. */
const INSTALL_HINT =
  'Install Java 17 or newer: `apt-get install -y default-jre-headless` (Debian/Ubuntu) or ' +
  '`brew install openjdk@17` (macOS). Or set DYNAMODB_ENDPOINT to use an already-running DynamoDB Local.';

/**
 * Base class of every error thrown by `@dynamo-es/local`.
 *
 * @example
 * ```ts
 * try { await startDynamoDBLocal(); } catch (error) {
 *   if (error instanceof DynamoDBLocalError) console.error(error.code);
 * }
 * ```
 */
export class DynamoDBLocalError extends Error {
  readonly code: LocalErrorCode;

  constructor(code: LocalErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DynamoDBLocalError';
    this.code = code;
  }
}

/**
 * No `java` executable could be run. DynamoDB Local needs a Java runtime.
 *
 * @example
 * ```ts
 * throw new JavaNotFoundError({ command: 'java' });
 * ```
 */
export class JavaNotFoundError extends DynamoDBLocalError {
  /** The command that was tried. */
  readonly command: string;

  constructor(details: { command: string; reason?: string }, options?: ErrorOptions) {
    const reason = details.reason === undefined ? '' : ` (${details.reason})`;
    super(
      LOCAL_ERROR_CODES.javaNotFound,
      `DynamoDB Local needs Java, but \`${details.command} -version\` failed${reason}. ${INSTALL_HINT}`,
      options,
    );
    this.name = 'JavaNotFoundError';
    this.command = details.command;
  }
}

/**
 * The Java runtime found is older than DynamoDB Local supports.
 *
 * @example
 * ```ts
 * throw new JavaTooOldError({ foundVersion: '1.8.0_292', foundMajor: 8, minimumMajor: 17 });
 * ```
 */
export class JavaTooOldError extends DynamoDBLocalError {
  readonly foundVersion: string;
  readonly foundMajor: number;
  readonly minimumMajor: number;

  constructor(details: { foundVersion: string; foundMajor: number; minimumMajor: number }) {
    super(
      LOCAL_ERROR_CODES.javaTooOld,
      `DynamoDB Local needs Java ${details.minimumMajor} or newer, but found Java ${details.foundVersion}. ${INSTALL_HINT}`,
    );
    this.name = 'JavaTooOldError';
    this.foundVersion = details.foundVersion;
    this.foundMajor = details.foundMajor;
    this.minimumMajor = details.minimumMajor;
  }
}

/**
 * The DynamoDB Local process exited (or could not be spawned) before it answered requests.
 *
 * @example
 * ```ts
 * throw new DynamoDBLocalExitedError({ exitCode: 1, signal: null, stderr: 'BindException' });
 * ```
 */
export class DynamoDBLocalExitedError extends DynamoDBLocalError {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** What the process wrote to stderr (its tail if it wrote a lot). */
  readonly stderr: string;

  constructor(
    details: { exitCode: number | null; signal: NodeJS.Signals | null; stderr: string; summary?: string },
    options?: ErrorOptions,
  ) {
    const how = details.signal === null ? `code ${details.exitCode}` : `signal ${details.signal}`;
    const summary = details.summary ? `: ${details.summary}` : '';
    super(
      LOCAL_ERROR_CODES.dynamoDBLocalExited,
      `DynamoDB Local exited during startup (${how})${summary}`,
      options,
    );
    this.name = 'DynamoDBLocalExitedError';
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.stderr = details.stderr;
  }
}

/**
 * DynamoDB Local did not answer `ListTables` within the startup timeout.
 *
 * @example
 * ```ts
 * throw new DynamoDBLocalStartupTimeoutError({ endpoint: 'http://127.0.0.1:8000', timeoutMs: 30_000 });
 * ```
 */
export class DynamoDBLocalStartupTimeoutError extends DynamoDBLocalError {
  readonly endpoint: string;
  readonly timeoutMs: number;

  constructor(details: { endpoint: string; timeoutMs: number }, options?: ErrorOptions) {
    super(
      LOCAL_ERROR_CODES.dynamoDBLocalStartupTimeout,
      `DynamoDB Local at ${details.endpoint} did not answer within ${details.timeoutMs} ms`,
      options,
    );
    this.name = 'DynamoDBLocalStartupTimeoutError';
    this.endpoint = details.endpoint;
    this.timeoutMs = details.timeoutMs;
  }
}

/**
 * An endpoint string is not a valid URL.
 *
 * @example
 * ```ts
 * throw new InvalidEndpointError({ endpoint: 'not a url' });
 * ```
 */
export class InvalidEndpointError extends DynamoDBLocalError {
  readonly endpoint: string;

  constructor(details: { endpoint: string }, options?: ErrorOptions) {
    super(LOCAL_ERROR_CODES.invalidEndpoint, `Invalid DynamoDB endpoint URL: ${details.endpoint}`, options);
    this.name = 'InvalidEndpointError';
    this.endpoint = details.endpoint;
  }
}

/**
 * Refused to use an endpoint that is not on this machine, so connected tests never hit real AWS by accident.
 *
 * @example
 * ```ts
 * throw new NonLocalEndpointError({ endpoint: 'https://dynamodb.eu-west-1.amazonaws.com', host: 'dynamodb.eu-west-1.amazonaws.com' });
 * ```
 */
export class NonLocalEndpointError extends DynamoDBLocalError {
  readonly endpoint: string;
  readonly host: string;

  constructor(details: { endpoint: string; host: string }) {
    super(
      LOCAL_ERROR_CODES.nonLocalEndpoint,
      `Refusing to use non-local DynamoDB endpoint ${details.endpoint} (host ${details.host}). ` +
        'Set DYNAMO_ES_ALLOW_REMOTE_TESTS=1 if you really mean it.',
    );
    this.name = 'NonLocalEndpointError';
    this.endpoint = details.endpoint;
    this.host = details.host;
  }
}

/** True if `error` carries the given code; checks `code`, not `instanceof`, to survive duplicated installs. */
const hasCode = (error: unknown, code: LocalErrorCode): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;

const LOCAL_CODES: ReadonlySet<unknown> = new Set(Object.values(LOCAL_ERROR_CODES));

/**
 * True for any error thrown by `@dynamo-es/local`.
 *
 * @example
 * ```ts
 * if (isDynamoDBLocalError(error)) console.error(error.code);
 * ```
 */
export const isDynamoDBLocalError = (error: unknown): error is DynamoDBLocalError =>
  typeof error === 'object' && error !== null && LOCAL_CODES.has((error as { code?: unknown }).code);

/**
 * True for a {@link JavaNotFoundError}.
 *
 * @example
 * ```ts
 * if (isJavaNotFoundError(error)) console.error(error.message);
 * ```
 */
export const isJavaNotFoundError = (error: unknown): error is JavaNotFoundError =>
  hasCode(error, LOCAL_ERROR_CODES.javaNotFound);

/**
 * True for a {@link JavaTooOldError}.
 *
 * @example
 * ```ts
 * if (isJavaTooOldError(error)) console.error(`found Java ${error.foundVersion}`);
 * ```
 */
export const isJavaTooOldError = (error: unknown): error is JavaTooOldError =>
  hasCode(error, LOCAL_ERROR_CODES.javaTooOld);

/**
 * True for a {@link DynamoDBLocalExitedError}.
 *
 * @example
 * ```ts
 * if (isDynamoDBLocalExitedError(error)) console.error(error.stderr);
 * ```
 */
export const isDynamoDBLocalExitedError = (error: unknown): error is DynamoDBLocalExitedError =>
  hasCode(error, LOCAL_ERROR_CODES.dynamoDBLocalExited);

/**
 * True for a {@link DynamoDBLocalStartupTimeoutError}.
 *
 * @example
 * ```ts
 * if (isDynamoDBLocalStartupTimeoutError(error)) console.error(error.timeoutMs);
 * ```
 */
export const isDynamoDBLocalStartupTimeoutError = (
  error: unknown,
): error is DynamoDBLocalStartupTimeoutError => hasCode(error, LOCAL_ERROR_CODES.dynamoDBLocalStartupTimeout);

/**
 * True for an {@link InvalidEndpointError}.
 *
 * @example
 * ```ts
 * if (isInvalidEndpointError(error)) console.error(error.endpoint);
 * ```
 */
export const isInvalidEndpointError = (error: unknown): error is InvalidEndpointError =>
  hasCode(error, LOCAL_ERROR_CODES.invalidEndpoint);

/**
 * True for a {@link NonLocalEndpointError}.
 *
 * @example
 * ```ts
 * if (isNonLocalEndpointError(error)) console.error(error.host);
 * ```
 */
export const isNonLocalEndpointError = (error: unknown): error is NonLocalEndpointError =>
  hasCode(error, LOCAL_ERROR_CODES.nonLocalEndpoint);
