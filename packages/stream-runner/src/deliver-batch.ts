import type { DynamoDBRecord } from 'aws-lambda';
import type { BatchOutcome } from './batch-outcome.js';

/** How hard to try before giving records up to the dead letter. */
export interface RetryPolicy {
  /** Redeliveries of a failing record before it is dead-lettered (Lambda's `MaximumRetryAttempts`). */
  readonly maxRetries: number;
  /** Split a batch in two when the handler fails it as a whole (Lambda's `BisectBatchOnFunctionError`). */
  readonly bisectOnError: boolean;
  /** Pause before the n-th redelivery of the same first record (n >= 1). */
  readonly retryDelayMs: (failures: number) => number;
}

/** Records that failed too often, given to {@link DeliveryPort.deadLetter}. */
export interface GivenUpRecords {
  readonly records: readonly DynamoDBRecord[];
  readonly attempts: number;
  readonly error: unknown;
}

/** A failed delivery that will be made again (after `delayMs`, or split in two). */
export interface RetryNotice {
  /** Records to deliver again (all of them, split in halves when `bisected`). */
  readonly records: number;
  /** Failed invocations that included the first of them. */
  readonly failures: number;
  readonly delayMs: number;
  readonly bisected: boolean;
  readonly error: unknown;
}

/** What {@link deliverBatch} does to the outside world; each returns `false` once the runner stops. */
export interface DeliveryPort {
  /** Invokes the handler; `redelivery` is true when some of the records were delivered before. */
  invoke(records: readonly DynamoDBRecord[], redelivery: boolean): Promise<BatchOutcome>;
  /** Moves the shard's checkpoint to `record` (everything up to it is done). */
  acknowledge(record: DynamoDBRecord): Promise<boolean>;
  deadLetter(given: GivenUpRecords): Promise<boolean>;
  /** Told before a failed delivery is made again (for logs and metrics). */
  retrying?(notice: RetryNotice): void;
  pause(ms: number): Promise<boolean>;
  stopping(): boolean;
}

/** `'stopped'`: the runner stopped before every record was acknowledged; the rest is redelivered later. */
export type DeliveryResult = 'completed' | 'stopped';

interface Segment {
  readonly records: readonly DynamoDBRecord[];
  /** Failed invocations that included this segment's first record. */
  readonly failures: number;
  readonly redelivery: boolean;
}

type Action =
  | { readonly kind: 'acknowledge'; readonly record: DynamoDBRecord }
  | { readonly kind: 'deadLetter'; readonly given: GivenUpRecords }
  | { readonly kind: 'retry'; readonly notice: RetryNotice }
  | { readonly kind: 'pause'; readonly ms: number };

/** What to do after one invocation of the first segment, and what replaces that segment. */
interface Plan {
  readonly actions: readonly Action[];
  readonly replacement: readonly Segment[];
}

const lastOf = (records: readonly DynamoDBRecord[]): DynamoDBRecord => records[records.length - 1]!;
const acknowledge = (record: DynamoDBRecord): Action => ({ kind: 'acknowledge', record });

function bisect(segment: Segment): Segment[] {
  const middle = Math.ceil(segment.records.length / 2);
  return [
    { records: segment.records.slice(0, middle), failures: 0, redelivery: true },
    { records: segment.records.slice(middle), failures: 0, redelivery: true },
  ];
}

function planAfterFailure(
  segment: Segment,
  outcome: Exclude<BatchOutcome, { kind: 'success' }>,
  policy: RetryPolicy,
): Plan {
  if (outcome.kind === 'failure' && policy.bisectOnError && segment.records.length > 1) {
    const notice = {
      records: segment.records.length,
      failures: segment.failures + 1,
      delayMs: 0,
      bisected: true,
      error: outcome.error,
    };
    return { actions: [{ kind: 'retry', notice }], replacement: bisect(segment) };
  }
  const actions: Action[] = [];
  let failing = segment;
  if (outcome.kind === 'partial' && outcome.failedIndex > 0) {
    // Progress: the records before the failed one are done, and the failed one starts its own count.
    actions.push(acknowledge(segment.records[outcome.failedIndex - 1]!));
    failing = { records: segment.records.slice(outcome.failedIndex), failures: 0, redelivery: true };
  }
  failing = { ...failing, failures: failing.failures + 1, redelivery: true };
  if (failing.failures <= policy.maxRetries) {
    const ms = policy.retryDelayMs(failing.failures);
    const { records, failures } = failing;
    const notice = { records: records.length, failures, delayMs: ms, bisected: false, error: outcome.error };
    actions.push({ kind: 'retry', notice }, { kind: 'pause', ms });
    return { actions, replacement: [failing] };
  }
  const given = { records: failing.records, attempts: failing.failures, error: outcome.error };
  actions.push({ kind: 'deadLetter', given }, acknowledge(lastOf(failing.records)));
  return { actions, replacement: [] };
}

/** The next step of {@link deliverBatch} for the first segment, given how its invocation went. */
function plan(segment: Segment, outcome: BatchOutcome, policy: RetryPolicy): Plan {
  if (outcome.kind === 'success') return { actions: [acknowledge(lastOf(segment.records))], replacement: [] };
  return planAfterFailure(segment, outcome, policy);
}

function perform(action: Action, port: DeliveryPort): Promise<boolean> {
  switch (action.kind) {
    case 'acknowledge':
      return port.acknowledge(action.record);
    case 'deadLetter':
      return port.deadLetter(action.given);
    case 'retry':
      port.retrying?.(action.notice);
      return Promise.resolve(true);
    case 'pause':
      return port.pause(action.ms);
  }
}

/**
 * Delivers one batch of one shard with Lambda's semantics, in order, one invocation at a time:
 * success acknowledges the batch; `batchItemFailures` acknowledges up to the lowest failed record and
 * redelivers from it; a thrown error or malformed response redelivers the whole batch (or its halves
 * with `bisectOnError`). A first record that failed more than `maxRetries` times is given up with the
 * rest of its batch to the dead letter and acknowledged, and delivery goes on. The failure count starts
 * again whenever the checkpoint advances, so every record gets its own retries.
 *
 * @example
 * const policy = { maxRetries: 3, bisectOnError: false, retryDelayMs: (failures) => 100 * failures };
 * const result = await deliverBatch(records, { policy, port });
 */
export async function deliverBatch(
  records: readonly DynamoDBRecord[],
  { policy, port }: { policy: RetryPolicy; port: DeliveryPort },
): Promise<DeliveryResult> {
  const segments: Segment[] = [{ records, failures: 0, redelivery: false }];
  while (segments.length > 0) {
    const segment = segments[0]!;
    if (port.stopping()) return 'stopped';
    const next = plan(segment, await port.invoke(segment.records, segment.redelivery), policy);
    for (const action of next.actions) {
      if (!(await perform(action, port))) return 'stopped';
    }
    segments.splice(0, 1, ...next.replacement);
  }
  return 'completed';
}
