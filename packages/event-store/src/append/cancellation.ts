import type { AttributeValue, CancellationReason } from '@aws-sdk/client-dynamodb';
import { type EventHeader, readEventHeader } from '../codec/event-item.js';
import { CorruptEventError } from '../errors.js';
import type { TransactionAction } from '../requests/append-requests.js';
import type { PlannedStream } from './plan.js';

type Item = Record<string, AttributeValue>;

/** What a failed write says about each stream, read from what DynamoDB returned. */
export interface WriteFailure {
  /** Items that hold one of this append's own event ids, by stream index: the append had landed. */
  readonly ours: Map<number, Item[]>;
  /** The highest version found held by another event, by stream index: a real conflict. */
  readonly taken: Map<number, number>;
  /** Streams whose expected version turned out not to exist (the gap proof failed). */
  readonly missing: Set<number>;
  /** True when DynamoDB cancelled for a transient reason only (concurrent transactions, throttling). */
  readonly transient: boolean;
  /** The idempotency record's put failed: its key is taken by the record returned here (`ALL_OLD`). */
  readonly key?: { readonly item: Item | undefined };
}

// Cancellation codes that mean "nothing was written, try again": concurrent transactions on the
// same items, or throttling. DynamoDB Local never produces them; real DynamoDB does.
const TRANSIENT_CODES = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);
const HARMLESS_CODES = new Set(['None', ...TRANSIENT_CODES]);

/**
 * Classifies the item a failed conditional `PutItem` returned (`ALL_OLD`) for event `eventIndex` of
 * `stream`. Pure.
 */
export function classifyPutFailure(
  stream: PlannedStream,
  eventIndex: number,
  old: Item | undefined,
): WriteFailure {
  const failure = emptyFailure();
  holder(failure, 0, stream, eventIndex, old);
  return failure;
}

/**
 * Classifies the `CancellationReasons` of a cancelled append transaction, one per action. Pure.
 *
 * @returns `undefined` when a reason is of a kind an append cannot cause or recover from
 * (e.g. `ValidationError`): the caller rethrows DynamoDB's error as it is.
 */
export function classifyCancellation(
  streams: readonly PlannedStream[],
  actions: readonly TransactionAction[],
  reasons: readonly CancellationReason[],
): WriteFailure | undefined {
  const failure = emptyFailure();
  let key: WriteFailure['key'];
  let conditionFailed = false;
  let transient = false;
  for (const [index, action] of actions.entries()) {
    const code = reasons[index]?.Code ?? 'None';
    if (code !== 'ConditionalCheckFailed') {
      if (!HARMLESS_CODES.has(code)) return undefined;
      transient ||= TRANSIENT_CODES.has(code);
      continue;
    }
    conditionFailed = true;
    const item = reasons[index]?.Item;
    if (action.kind === 'key') key = { item };
    else if (action.kind === 'proof') failure.missing.add(action.streamIndex);
    else {
      const stream = streams[action.streamIndex] as PlannedStream;
      // An unchanged stream's check is on the version after its base, like a first event's put.
      holder(failure, action.streamIndex, stream, action.kind === 'put' ? action.eventIndex : 0, item);
    }
  }
  return { ...failure, transient: transient && !conditionFailed, ...(key ? { key } : {}) };
}

function holder(
  failure: WriteFailure,
  streamIndex: number,
  stream: PlannedStream,
  eventIndex: number,
  item: Item | undefined,
): void {
  const version = stream.base + eventIndex + 1;
  // Without the old item (DynamoDB always returns it for ALL_OLD), the slot is known to be taken.
  const header: EventHeader | undefined = item === undefined ? undefined : readEventHeader(item);
  if (item !== undefined && header === undefined) {
    throw new CorruptEventError(
      `version ${version} of stream "${stream.streamId}" is held by an item that is not an event ` +
        `(attributes: ${Object.keys(item).join(', ')})`,
    );
  }
  if (header !== undefined && item !== undefined && stream.ids.has(header.eventId)) {
    failure.ours.set(streamIndex, [...(failure.ours.get(streamIndex) ?? []), item]);
    return;
  }
  failure.taken.set(streamIndex, Math.max(failure.taken.get(streamIndex) ?? 0, header?.version ?? version));
}

const emptyFailure = (): WriteFailure => ({
  ours: new Map(),
  taken: new Map(),
  missing: new Set(),
  transient: false,
});
