import { type CommandHandlers, rejected } from '@dynamo-es/sagas';
import type { Bank } from '../application/bank.js';
import type { CommandContext } from '../application/request.js';
import { BankErrorCode, isBankError } from '../domain/errors.js';
import type { LargeTransferCommand } from './large-transfer.js';

/**
 * The large-transfer saga's commands, run as the bank's own commands with the saga's idempotency
 * key as their request id: a step sent again is answered as a replay and applied once. A rule of
 * the bank saying no (insufficient funds, a closed account...) is handed back to the saga as a
 * rejection; anything else (DynamoDB unreachable) is thrown, retried, and dead-lettered at last.
 */
export function largeTransferCommands(bank: Bank): CommandHandlers<LargeTransferCommand> {
  const context = (idempotencyKey: string, transferId: string): CommandContext => ({
    requestId: idempotencyKey,
    correlationId: transferId,
  });
  return {
    HoldFunds: ({ data }, { idempotencyKey }) =>
      refusals(
        () => bank.holdFunds(data, context(idempotencyKey, data.transferId)),
        BankErrorCode.HoldExists,
      ),
    ReleaseHold: ({ data }, { idempotencyKey }) =>
      refusals(() => bank.releaseHold(data, context(idempotencyKey, data.transferId))),
    SendHeldTransfer: ({ data }, { idempotencyKey }) =>
      refusals(() => bank.sendHeldTransfer(data, context(idempotencyKey, data.transferId))),
    SettleTransfer: ({ data }, { idempotencyKey }) =>
      refusals(() => bank.settleTransfer(data, context(idempotencyKey, data.transferId))),
  };
}

/**
 * Runs a step; the bank's "no" becomes a rejection the saga reacts to. `done` names the refusal
 * that means the step had been done already (a hold for this very transfer exists).
 */
async function refusals(step: () => Promise<unknown>, done?: string): Promise<unknown> {
  try {
    return await step();
  } catch (error) {
    if (!isBankError(error)) throw error;
    if (error.code === done) return undefined;
    return rejected(error.code);
  }
}
