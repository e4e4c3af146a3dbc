import { Aggregate } from '@dynamo-es/aggregate';
import type { StoredEvent } from '@dynamo-es/event-store';
import { defineProjection, type Projection } from '@dynamo-es/projections';

/** The one event of the reliability workloads; `commandId` ties a stored event to the command that wrote it. */
export type LedgerEvent = {
  readonly type: 'Deposited';
  readonly data: { readonly amount: number; readonly commandId: string };
};

export interface AccountState {
  readonly balance: number;
  readonly deposits: number;
}

/** An aggregate whose only command is a deposit. */
export class Account extends Aggregate<AccountState, LedgerEvent> {
  protected readonly initialState: AccountState = { balance: 0, deposits: 0 };
  protected readonly handlers = this.defineHandlers({
    Deposited: (state, { data }) => ({ balance: state.balance + data.amount, deposits: state.deposits + 1 }),
  });

  deposit(amount: number, commandId: string): void {
    this.raise({ type: 'Deposited', data: { amount, commandId } });
  }
}

/** Per stream: balance, count and the last version applied (a duplicate or a skip changes them). */
export interface StreamDoc {
  readonly balance: number;
  readonly count: number;
  readonly lastVersion: number;
}
/** Shared by every stream: order-independent sums, so equal to the fold whatever the interleaving. */
export interface TotalDoc {
  readonly balance: number;
  readonly count: number;
}
export type LedgerDoc = StreamDoc | TotalDoc;

export const streamKey = (streamId: string): string => `stream:${streamId}`;
export const TOTAL_KEY = 'total';

export interface LedgerProjectionOptions {
  readonly name: string;
  /** Called in the handler before any change; may throw (poison events) or wait (slow batches). */
  readonly beforeApply?: (event: StoredEvent<LedgerEvent>) => void | Promise<void>;
}

/**
 * A read model per stream plus one total shared by all streams. Exactly-once is visible in it:
 * `count` and `lastVersion` of a stream equal its event count only if every event was applied
 * once and in order.
 */
export function ledgerProjection(options: LedgerProjectionOptions): Projection<LedgerEvent, LedgerDoc> {
  return defineProjection<LedgerEvent, LedgerDoc>({
    name: options.name,
    prefetch: (event) => [streamKey(event.streamId), TOTAL_KEY],
    handlers: {
      Deposited: async (event, ctx) => {
        await options.beforeApply?.(event);
        const amount = event.data.amount;
        await ctx.update<StreamDoc>(streamKey(event.streamId), (doc) => ({
          balance: (doc?.balance ?? 0) + amount,
          count: (doc?.count ?? 0) + 1,
          lastVersion: event.version,
        }));
        await ctx.update<TotalDoc>(TOTAL_KEY, (doc) => ({
          balance: (doc?.balance ?? 0) + amount,
          count: (doc?.count ?? 0) + 1,
        }));
      },
    },
  });
}
