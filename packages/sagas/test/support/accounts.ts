import { type Decider, DeciderCommandHandler } from '@dynamo-es/aggregate';
import type { EventStore } from '@dynamo-es/event-store';
import { type CommandHandlers, rejected } from '../../src/index.js';
import type { AccountCommand } from './transfer-saga.js';

export type AccountEvent =
  | { readonly type: 'AccountOpened'; readonly data: { readonly balance: number } }
  | { readonly type: 'HoldPlaced'; readonly data: { readonly transferId: string; readonly amount: number } }
  | { readonly type: 'HoldReleased'; readonly data: { readonly transferId: string } }
  | {
      readonly type: 'HeldMoneyDebited';
      readonly data: { readonly transferId: string; readonly amount: number };
    }
  | {
      readonly type: 'MoneyCredited';
      readonly data: { readonly transferId: string; readonly amount: number };
    }
  | { readonly type: 'AccountClosed'; readonly data: Record<string, never> };

export interface AccountState {
  readonly balance: number;
  readonly held: Readonly<Record<string, number>>;
  readonly closed: boolean;
}

type AccountDecision =
  | { readonly type: 'Open'; readonly balance: number }
  | { readonly type: 'PlaceHold'; readonly transferId: string; readonly amount: number }
  | { readonly type: 'ReleaseHold'; readonly transferId: string }
  | { readonly type: 'DebitHold'; readonly transferId: string }
  | { readonly type: 'Credit'; readonly transferId: string; readonly amount: number }
  | { readonly type: 'Close' };

/** A refusal of the domain. */
export class AccountRefusal extends Error {
  constructor(readonly reason: 'InsufficientFunds' | 'AccountClosed' | 'NoHold') {
    super(reason);
    this.name = 'AccountRefusal';
  }
}

const available = (state: AccountState) =>
  state.balance - Object.values(state.held).reduce((a, b) => a + b, 0);

export const account: Decider<AccountState, AccountDecision, AccountEvent> = {
  initialState: () => ({ balance: 0, held: {}, closed: false }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'AccountOpened':
        return { ...state, balance: event.data.balance };
      case 'HoldPlaced':
        return { ...state, held: { ...state.held, [event.data.transferId]: event.data.amount } };
      case 'HoldReleased': {
        const { [event.data.transferId]: _, ...held } = state.held;
        return { ...state, held };
      }
      case 'HeldMoneyDebited': {
        const { [event.data.transferId]: _, ...held } = state.held;
        return { ...state, balance: state.balance - event.data.amount, held };
      }
      case 'MoneyCredited':
        return { ...state, balance: state.balance + event.data.amount };
      case 'AccountClosed':
        return { ...state, closed: true };
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'Open':
        return [{ type: 'AccountOpened', data: { balance: command.balance } }];
      case 'PlaceHold':
        if (state.closed) throw new AccountRefusal('AccountClosed');
        if (available(state) < command.amount) throw new AccountRefusal('InsufficientFunds');
        return [{ type: 'HoldPlaced', data: { transferId: command.transferId, amount: command.amount } }];
      case 'ReleaseHold':
        return state.held[command.transferId] === undefined
          ? []
          : [{ type: 'HoldReleased', data: { transferId: command.transferId } }];
      case 'DebitHold': {
        const amount = state.held[command.transferId];
        if (amount === undefined) throw new AccountRefusal('NoHold');
        return [{ type: 'HeldMoneyDebited', data: { transferId: command.transferId, amount } }];
      }
      case 'Credit':
        if (state.closed) throw new AccountRefusal('AccountClosed');
        return [{ type: 'MoneyCredited', data: { transferId: command.transferId, amount: command.amount } }];
      case 'Close':
        return [{ type: 'AccountClosed', data: {} }];
    }
  },
};

/** The accounts' command handler, and the saga's command handlers calling it idempotently. */
export function accountCommands(store: EventStore, calls?: { count: number }) {
  const accounts = new DeciderCommandHandler({ store, decider: account });
  const refusal = async (run: () => Promise<unknown>) => {
    if (calls) calls.count++;
    try {
      await run();
      return undefined;
    } catch (error) {
      if (error instanceof AccountRefusal) return rejected(error.reason);
      throw error;
    }
  };
  const commands: CommandHandlers<AccountCommand> = {
    PlaceHold: ({ data }, { idempotencyKey: key }) =>
      refusal(() =>
        accounts.handle(
          data.accountId,
          { type: 'PlaceHold', transferId: data.transferId, amount: data.amount },
          {
            idempotency: { key },
          },
        ),
      ),
    ReleaseHold: ({ data }, { idempotencyKey: key }) =>
      refusal(() =>
        accounts.handle(
          data.accountId,
          { type: 'ReleaseHold', transferId: data.transferId },
          { idempotency: { key } },
        ),
      ),
    // Debit and credit in one transaction: a transfer is never half applied.
    CompleteTransfer: ({ data }, { idempotencyKey: key }) =>
      refusal(() =>
        accounts.handleMany(
          [
            { streamId: data.from, command: { type: 'DebitHold', transferId: data.transferId } },
            {
              streamId: data.to,
              command: { type: 'Credit', transferId: data.transferId, amount: data.amount },
            },
          ],
          { idempotency: { key } },
        ),
      ),
  };
  return { accounts, commands };
}
