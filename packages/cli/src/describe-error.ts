/** What the binary knows about where it was talking to, for messages about connection errors. */
export interface ErrorContext {
  readonly endpoint?: string;
  readonly verbose: boolean;
}

interface ErrorLike {
  readonly name?: string;
  readonly message?: string;
  readonly code?: unknown;
  readonly stack?: string;
  readonly cause?: unknown;
  readonly $metadata?: unknown;
}

const CREDENTIAL_ERRORS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'MissingAuthenticationTokenException',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT']);

/**
 * The one-line message printed for an error: typed errors of the dynamo-es packages by their message
 * (they are written for people), AWS errors with what to check, anything else with a hint to rerun
 * with `--verbose`, which adds the stack and causes on the following lines.
 */
export function describeError(error: unknown, context: ErrorContext): string {
  const line = `error: ${summarize(error, context)}`;
  return context.verbose ? [line, ...details(error)].join('\n') : line;
}

function summarize(error: unknown, context: ErrorContext): string {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorLike;
  const message = e.message ?? String(error);
  if (typeof e.code === 'string' && e.code.startsWith('DYNAMO_ES_')) return message;
  if (e.name === 'CredentialsProviderError') {
    return `no AWS credentials found (${message}); configure them as for the AWS CLI, or pass --endpoint for DynamoDB Local`;
  }
  if (/region is missing/i.test(message)) return 'no AWS region: pass --region or set AWS_REGION';
  const network = networkCode(e);
  if (network) return `cannot reach DynamoDB at ${context.endpoint ?? 'the AWS endpoint'} (${network})`;
  if (e.name && CREDENTIAL_ERRORS.has(e.name)) return `${e.name}: ${message} (check your AWS credentials)`;
  if (e.name === 'AccessDeniedException') return `${e.name}: ${message} (check the IAM permissions)`;
  if (e.$metadata !== undefined) return `DynamoDB ${e.name ?? 'error'}: ${message}`;
  const hint = context.verbose ? '' : ' (run with --verbose for the stack)';
  return `${e.name ?? 'Error'}: ${message}${hint}`;
}

/** Connection errors arrive as Node errors, sometimes wrapped, sometimes aggregated. */
function networkCode(error: ErrorLike, depth = 0): string | undefined {
  if (typeof error.code === 'string' && NETWORK_CODES.has(error.code)) return error.code;
  if (depth > 3) return undefined;
  const nested = [error.cause, ...((error as { errors?: unknown[] }).errors ?? [])];
  for (const inner of nested) {
    if (typeof inner === 'object' && inner !== null) {
      const code = networkCode(inner as ErrorLike, depth + 1);
      if (code) return code;
    }
  }
  return undefined;
}

function details(error: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    const e = current as ErrorLike;
    lines.push(depth === 0 ? (e.stack ?? String(current)) : `caused by: ${e.stack ?? String(current)}`);
    current = typeof current === 'object' && current !== null ? e.cause : undefined;
  }
  return lines;
}
