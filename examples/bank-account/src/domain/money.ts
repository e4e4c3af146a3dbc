import { isCurrencyCode } from './currencies.js';
import { InvalidAmountError, InvalidCurrencyError } from './errors.js';

/**
 * Money is an integer number of minor units (cents for EUR/USD, yen for JPY) with an ISO 4217
 * currency code. Integers add and subtract exactly, so balances never drift the way binary
 * floating point does (0.1 + 0.2 !== 0.3); amounts stay below 2^53 so every value is exact.
 */
export type MinorUnits = number;

/**
 * The most an account may hold, in minor units (10^15: ten trillion euros in cents). Far below
 * `Number.MAX_SAFE_INTEGER` (about 9 * 10^15), so a balance and any sum of a few balances stay exact.
 */
export const MAX_BALANCE: MinorUnits = 10 ** 15;

/** ISO 4217 alphabetic code: three upper-case letters, e.g. `'EUR'`. */
export type Currency = string;

/** Throws unless `amount` is a positive whole number of minor units, at most {@link MAX_BALANCE}. */
export function assertAmount(amount: unknown): asserts amount is MinorUnits {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0 || amount > MAX_BALANCE) {
    throw new InvalidAmountError(amount);
  }
}

/** Throws unless `currency` is the ISO 4217 code of a currency in circulation. */
export function assertCurrency(currency: unknown): asserts currency is Currency {
  if (!isCurrencyCode(currency)) throw new InvalidCurrencyError(currency);
}

/** `1234, 'EUR'` → `'12.34 EUR'` (two decimals; display only). */
export function formatMoney(amount: MinorUnits, currency: Currency): string {
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${currency}`;
}
