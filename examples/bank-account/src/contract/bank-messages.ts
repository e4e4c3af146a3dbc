/**
 * The bank's public contract: the integration messages other services may consume. This file is
 * the only thing of the bank a consumer imports. It is not the bank's domain events: those may
 * change freely; a message type changes only by a new version (`bank.transfer.sent.v2` beside
 * `.v1`, both published while consumers move over). Amounts are integer minor units of the
 * account's currency.
 */

/** Message type names, one per contract version. */
export const BankMessageType = {
  TransferSent: 'bank.transfer.sent.v1',
  TransferReceived: 'bank.transfer.received.v1',
  AccountClosed: 'bank.account.closed.v1',
} as const;

/** Money left `accountId` for `toAccountId`. */
export interface TransferSentV1 {
  readonly type: typeof BankMessageType.TransferSent;
  readonly data: {
    readonly transferId: string;
    readonly accountId: string;
    readonly toAccountId: string;
    readonly amount: number;
  };
}

/** Money reached `accountId` from `fromAccountId`. */
export interface TransferReceivedV1 {
  readonly type: typeof BankMessageType.TransferReceived;
  readonly data: {
    readonly transferId: string;
    readonly accountId: string;
    readonly fromAccountId: string;
    readonly amount: number;
  };
}

/** The account was closed (its balance was zero); no money moves on it any more. */
export interface AccountClosedV1 {
  readonly type: typeof BankMessageType.AccountClosed;
  readonly data: { readonly accountId: string };
}

/** Every message of the contract, as a consumer's projections see them (`type` and `data`). */
export type BankMessage = TransferSentV1 | TransferReceivedV1 | AccountClosedV1;

/** The contract version of every message type above. */
export const BANK_CONTRACT_VERSION = 1;

/** The `source` of the bank's messages (the publication's name). */
export const BANK_PUBLICATION = 'bank-public';
