/**
 * Domain errors of the bank. Each has a stable `code`; the HTTP layer maps codes to statuses, the
 * domain knows nothing of HTTP.
 */
export const BankErrorCode = {
  InvalidAmount: 'INVALID_AMOUNT',
  InvalidCurrency: 'INVALID_CURRENCY',
  InvalidOwner: 'INVALID_OWNER',
  AccountNotOpen: 'ACCOUNT_NOT_OPEN',
  AccountAlreadyOpen: 'ACCOUNT_ALREADY_OPEN',
  AccountClosed: 'ACCOUNT_CLOSED',
  InsufficientFunds: 'INSUFFICIENT_FUNDS',
  CurrencyMismatch: 'CURRENCY_MISMATCH',
  NonZeroBalance: 'NON_ZERO_BALANCE',
  SameAccountTransfer: 'SAME_ACCOUNT_TRANSFER',
  BalanceLimitExceeded: 'BALANCE_LIMIT_EXCEEDED',
  HoldExists: 'HOLD_EXISTS',
  HoldNotFound: 'HOLD_NOT_FOUND',
  TransferRequestNotFound: 'TRANSFER_REQUEST_NOT_FOUND',
  TransferAlreadyDecided: 'TRANSFER_ALREADY_DECIDED',
} as const;
export type BankErrorCode = (typeof BankErrorCode)[keyof typeof BankErrorCode];

/** Base class of every rule the bank enforces. */
export class BankError extends Error {
  readonly code: BankErrorCode;
  constructor(code: BankErrorCode, message: string) {
    super(message);
    this.name = 'BankError';
    this.code = code;
  }
}

export const isBankError = (error: unknown): error is BankError =>
  typeof error === 'object' &&
  error !== null &&
  Object.values(BankErrorCode).includes((error as { code?: unknown }).code as BankErrorCode);

export class InvalidAmountError extends BankError {
  constructor(amount: unknown) {
    super(
      BankErrorCode.InvalidAmount,
      `Amount ${JSON.stringify(amount) ?? String(amount)} is not a positive whole number of minor units, at most 10^15 (e.g. 1250 for 12.50)`,
    );
    this.name = 'InvalidAmountError';
  }
}

export class InvalidCurrencyError extends BankError {
  constructor(currency: unknown) {
    super(
      BankErrorCode.InvalidCurrency,
      `Currency ${JSON.stringify(currency)} is not an ISO 4217 code such as "EUR"`,
    );
    this.name = 'InvalidCurrencyError';
  }
}

export class InvalidOwnerError extends BankError {
  constructor() {
    super(BankErrorCode.InvalidOwner, 'Owner must be a non-empty name of at most 200 characters');
    this.name = 'InvalidOwnerError';
  }
}

export class AccountNotOpenError extends BankError {
  constructor(readonly accountId: string) {
    super(BankErrorCode.AccountNotOpen, `Account ${accountId} has not been opened`);
    this.name = 'AccountNotOpenError';
  }
}

export class AccountAlreadyOpenError extends BankError {
  constructor(readonly accountId: string) {
    super(BankErrorCode.AccountAlreadyOpen, `Account ${accountId} is already open`);
    this.name = 'AccountAlreadyOpenError';
  }
}

export class AccountClosedError extends BankError {
  constructor(readonly accountId: string) {
    super(BankErrorCode.AccountClosed, `Account ${accountId} is closed`);
    this.name = 'AccountClosedError';
  }
}

export class InsufficientFundsError extends BankError {
  constructor(
    readonly accountId: string,
    readonly balance: number,
    readonly requested: number,
  ) {
    super(
      BankErrorCode.InsufficientFunds,
      `Account ${accountId} has ${balance} available, less than the ${requested} requested`,
    );
    this.name = 'InsufficientFundsError';
  }
}

export class CurrencyMismatchError extends BankError {
  constructor(
    readonly accountId: string,
    readonly accountCurrency: string,
    readonly requested: string,
  ) {
    super(BankErrorCode.CurrencyMismatch, `Account ${accountId} is in ${accountCurrency}, not ${requested}`);
    this.name = 'CurrencyMismatchError';
  }
}

export class NonZeroBalanceError extends BankError {
  constructor(
    readonly accountId: string,
    readonly balance: number,
  ) {
    super(
      BankErrorCode.NonZeroBalance,
      `Account ${accountId} still holds ${balance}; withdraw it before closing`,
    );
    this.name = 'NonZeroBalanceError';
  }
}

export class SameAccountTransferError extends BankError {
  constructor(readonly accountId: string) {
    super(
      BankErrorCode.SameAccountTransfer,
      `A transfer needs two different accounts, got ${accountId} twice`,
    );
    this.name = 'SameAccountTransferError';
  }
}

export class BalanceLimitExceededError extends BankError {
  constructor(
    readonly accountId: string,
    readonly balance: number,
    readonly amount: number,
    readonly limit: number,
  ) {
    super(
      BankErrorCode.BalanceLimitExceeded,
      `Account ${accountId} holds ${balance}; adding ${amount} would pass the limit of ${limit} minor units`,
    );
    this.name = 'BalanceLimitExceededError';
  }
}

export class HoldExistsError extends BankError {
  constructor(
    readonly accountId: string,
    readonly transferId: string,
  ) {
    super(BankErrorCode.HoldExists, `Account ${accountId} already holds funds for transfer ${transferId}`);
    this.name = 'HoldExistsError';
  }
}

export class HoldNotFoundError extends BankError {
  constructor(
    readonly accountId: string,
    readonly transferId: string,
  ) {
    super(
      BankErrorCode.HoldNotFound,
      `Account ${accountId} holds no funds for transfer ${transferId} (never held, or already released or sent)`,
    );
    this.name = 'HoldNotFoundError';
  }
}

export class TransferRequestNotFoundError extends BankError {
  constructor(readonly transferId: string) {
    super(
      BankErrorCode.TransferRequestNotFound,
      `No transfer ${transferId} is waiting for approval (only transfers above the approval limit are)`,
    );
    this.name = 'TransferRequestNotFoundError';
  }
}

export class TransferAlreadyDecidedError extends BankError {
  constructor(
    readonly transferId: string,
    readonly status: string,
  ) {
    super(BankErrorCode.TransferAlreadyDecided, `Transfer ${transferId} is already ${status}`);
    this.name = 'TransferAlreadyDecidedError';
  }
}
