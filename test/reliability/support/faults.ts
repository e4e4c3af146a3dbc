import {
  InternalServerError,
  ProvisionedThroughputExceededException,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { seededRandom } from './random.js';

/**
 * What a fault looks like to the caller. All but `lost-response` happen before the request leaves
 * (nothing is written); `lost-response` lets the request reach DynamoDB Local, then throws a
 * timeout instead of returning its answer (the write landed).
 */
export const FaultKind = {
  /** `ThrottlingException` (400, throttling: the SDK retries it). */
  Throttling: 'throttling',
  /** `ProvisionedThroughputExceededException` (400, throttling: the SDK retries it). */
  ProvisionedThroughput: 'provisioned-throughput',
  /** `TransactionCanceledException` whose reasons say `TransactionConflict` (only transactions; not retried by the SDK). */
  TransactionConflict: 'transaction-conflict',
  /** `InternalServerError` with HTTP status 500 (the SDK retries it). */
  ServerError: 'server-error',
  /** A socket error with code `ECONNRESET` (the SDK retries it). */
  ConnectionReset: 'connection-reset',
  /** The write lands, the answer is replaced by a `TimeoutError` (only writes). */
  LostResponse: 'lost-response',
} as const;
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];

/** Names of the errors the faults throw, for "failed with a clear error" assertions. */
export const INJECTED_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'TransactionCanceledException',
  'InternalServerError',
  'TimeoutError',
]);

const WRITES = new Set([
  'PutItemCommand',
  'TransactWriteItemsCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
]);

export interface FaultOptions {
  readonly seed: number;
  /** Chance that a request (each SDK attempt when inside the SDK's retries) gets a fault. */
  readonly rate: number;
  readonly kinds: readonly FaultKind[];
  /** Only these commands (e.g. `['PutItemCommand']`); default all. */
  readonly commands?: readonly string[];
  /**
   * `inside-sdk-retries` (default): every SDK attempt may fail and the SDK's retry strategy sees
   * the error. `outside-sdk-retries`: the fault hits the whole `send()`, after the SDK's retries,
   * so only the application can retry.
   */
  readonly where?: 'inside-sdk-retries' | 'outside-sdk-retries';
  /** Fault at most this many requests in all (default unbounded). */
  readonly limit?: number;
  /**
   * Fault the first attempt of the first this many requests (of `commands`) whatever the draw, and
   * let their retries through (default 0): a client that sends few requests meets faults under every
   * seed, and a forced fault never uses up a request's attempts.
   */
  readonly first?: number;
}

/** What {@link injectFaults} returns. */
export interface FaultInjector {
  /** Faults injected so far, by kind. */
  counts(): Record<string, number>;
  total(): number;
  /** Requests seen so far (SDK attempts when inside the retries), by command. */
  requests(): Record<string, number>;
  /** Stops injecting (the middleware stays, passing everything through). */
  pause(): void;
  resume(): void;
  /** Removes the middleware. */
  remove(): void;
}

type Client = { middlewareStack: { add: (...args: never[]) => void; remove: (name: string) => boolean } };
type Args = { input?: { TransactItems?: readonly unknown[] } };

let injectors = 0;

/**
 * Makes a seeded random fraction of the requests of `client` fail the way DynamoDB and the network
 * do, with the SDK's own error classes. Nothing about DynamoDB's behaviour is mocked: a request
 * either never leaves, or really reaches DynamoDB Local and only its answer is lost.
 *
 * @example
 * const faults = injectFaults(client, { seed: 7, rate: 0.1, kinds: ['throttling', 'server-error'] });
 * // ... workload ...
 * faults.remove();
 */
export function injectFaults(client: unknown, options: FaultOptions): FaultInjector {
  const random = seededRandom(options.seed);
  const commands = options.commands ? new Set(options.commands) : undefined;
  const counts: Record<string, number> = {};
  const requests: Record<string, number> = {};
  let total = 0;
  let paused = false;
  const name = `dynamo-es-reliability-faults-${++injectors}`;
  const eligible = (command: string) =>
    !paused &&
    (commands === undefined || commands.has(command)) &&
    (options.limit === undefined || total < options.limit) &&
    random() < options.rate;
  let forced = 0;
  /** Whether this request is one of the `first`, whose first attempt fails whatever the draw. */
  const forcedFirst = (command: string) => {
    if (paused || forced >= (options.first ?? 0) || commands?.has(command) === false) return false;
    forced++;
    return true;
  };
  // The stack calls this once per send(), and what it returns once per attempt.
  const middleware = (next: (args: Args) => Promise<unknown>, context: { commandName?: string }) => {
    let attempts = 0;
    let forcedThisSend = false;
    return async (args: Args) => {
      const command = context.commandName ?? 'UnknownCommand';
      requests[command] = (requests[command] ?? 0) + 1;
      // The retries of a forced fault go through: it never uses up a request's attempts.
      if (forcedThisSend) return next(args);
      forcedThisSend = ++attempts === 1 && forcedFirst(command);
      const kind =
        forcedThisSend || eligible(command) ? applicableKind(options.kinds, command, random) : undefined;
      if (kind === undefined) return next(args);
      counts[kind] = (counts[kind] ?? 0) + 1;
      total++;
      if (kind !== FaultKind.LostResponse) throw faultError(kind, args, random);
      await next(args);
      throw Object.assign(new Error(`injected: the answer to ${command} was lost (the write landed)`), {
        name: 'TimeoutError',
        $metadata: {},
      });
    };
  };
  const step =
    options.where === 'outside-sdk-retries'
      ? { step: 'initialize', name, priority: 'high' }
      : { step: 'deserialize', name, priority: 'low' };
  (client as Client).middlewareStack.add(middleware as never, step as never);
  return {
    counts: () => ({ ...counts }),
    total: () => total,
    requests: () => ({ ...requests }),
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
    },
    remove: () => {
      (client as Client).middlewareStack.remove(name);
    },
  };
}

function applicableKind(
  kinds: readonly FaultKind[],
  command: string,
  random: () => number,
): FaultKind | undefined {
  const fitting = kinds.filter((kind) => {
    if (kind === FaultKind.TransactionConflict) return command === 'TransactWriteItemsCommand';
    if (kind === FaultKind.LostResponse) return WRITES.has(command);
    return true;
  });
  return fitting[Math.floor(random() * fitting.length)];
}

function faultError(kind: FaultKind, args: Args, random: () => number): Error {
  const $metadata = { httpStatusCode: 400, requestId: 'injected' };
  switch (kind) {
    case FaultKind.Throttling:
      return new ThrottlingException({
        message: 'injected: Rate of requests exceeds the allowed throughput.',
        $metadata,
      });
    case FaultKind.ProvisionedThroughput:
      return new ProvisionedThroughputExceededException({
        message: 'injected: The level of configured provisioned throughput for the table was exceeded.',
        $metadata,
      });
    case FaultKind.TransactionConflict: {
      // As DynamoDB answers: one reason per action, `None` for the actions that were fine.
      const actions = args.input?.TransactItems?.length ?? 1;
      const conflicting = Math.floor(random() * actions);
      const reasons = Array.from({ length: actions }, (_, index) =>
        index === conflicting
          ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
          : { Code: 'None' },
      );
      return new TransactionCanceledException({
        message: `injected: Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
        $metadata,
        CancellationReasons: reasons,
      });
    }
    case FaultKind.ServerError:
      return new InternalServerError({
        message: 'injected: Internal server error',
        $metadata: { httpStatusCode: 500, requestId: 'injected' },
      });
    default:
      return Object.assign(new Error('injected: socket hang up'), { code: 'ECONNRESET', $metadata: {} });
  }
}

/**
 * True for an error a caller can act on: a typed dynamo-es error (stable `DYNAMO_ES_*` code), an
 * AWS SDK service error named after what happened, or a socket error code.
 */
export function isClearError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, name, $metadata } = error as { code?: unknown; name?: unknown; $metadata?: unknown };
  if (typeof code === 'string' && (code.startsWith('DYNAMO_ES_') || /^E[A-Z]+$/.test(code))) return true;
  return typeof name === 'string' && $metadata !== undefined && INJECTED_ERROR_NAMES.has(name);
}

/** `name` or `code` of an error, for tallies. */
export function errorLabel(error: unknown): string {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  return String(typeof code === 'string' ? code : name);
}
