import { ID_PATTERN } from '../application/account-id.js';
import { isCurrencyCode } from '../domain/currencies.js';
import { MAX_BALANCE } from '../domain/money.js';
import { FieldErrorCode, type FieldIssue, invalidRequest } from './http-error.js';

/**
 * Reads the fields of a JSON body, collecting every problem instead of stopping at the first, so a
 * client learns everything that is wrong with one request. Unknown fields are problems too: a typo
 * such as `"ammount"` must not be silently ignored. Call {@link FieldReader.done} before using the
 * values.
 *
 * @example
 * const fields = new FieldReader(body, ['amount', 'requestId']);
 * const amount = fields.amount('amount');
 * fields.done(); // throws HttpError 400 INVALID_REQUEST listing every bad field
 */
export class FieldReader {
  readonly #body: Record<string, unknown>;
  readonly #issues: FieldIssue[] = [];

  constructor(body: Record<string, unknown>, allowed: readonly string[]) {
    this.#body = body;
    for (const field of Object.keys(body)) {
      if (!allowed.includes(field))
        this.#issue(
          field,
          FieldErrorCode.InvalidRequest,
          `is not a field of this request (expected: ${allowed.join(', ')})`,
        );
    }
  }

  /** A positive whole number of minor units (`1250` is 12.50). */
  amount(field: string, options: { optional?: boolean } = {}): number | undefined {
    const value = this.#present(field, FieldErrorCode.InvalidAmount, options.optional);
    if (value === undefined) return undefined;
    const problem = amountProblem(value);
    if (problem === undefined) return value as number;
    this.#issue(field, FieldErrorCode.InvalidAmount, problem);
    return undefined;
  }

  /** The ISO 4217 code of a currency in circulation, such as `"EUR"`. */
  currency(field: string, options: { optional?: boolean } = {}): string | undefined {
    return this.#string(field, FieldErrorCode.InvalidCurrency, options.optional, (text) =>
      isCurrencyCode(text)
        ? undefined
        : 'must be the ISO 4217 code of a currency in circulation, such as "EUR"',
    );
  }

  /** An account id: 1-64 letters, digits, `_` or `-`. */
  id(field: string, options: { optional?: boolean } = {}): string | undefined {
    return this.#id(field, FieldErrorCode.InvalidAccountId, options.optional);
  }

  /** A request id: the same rules as an account id. */
  requestId(field: string): string | undefined {
    return this.#id(field, FieldErrorCode.InvalidRequest, true);
  }

  /** A name: 1-200 characters, not only spaces. */
  name(field: string): string | undefined {
    return this.#string(field, FieldErrorCode.InvalidOwner, false, (text) =>
      text.trim().length > 0 && text.length <= 200 ? undefined : 'must be 1-200 characters, not only spaces',
    );
  }

  /** Records a problem found outside this reader (e.g. with a header). */
  report(field: string, message: string): void {
    this.#issue(field, FieldErrorCode.InvalidRequest, message);
  }

  /** @throws HttpError 400 `INVALID_REQUEST` with every problem found. */
  done(): void {
    if (this.#issues.length > 0) throw invalidRequest(this.#issues);
  }

  #id(field: string, code: FieldErrorCode, optional: boolean | undefined): string | undefined {
    return this.#string(field, code, optional, (text) =>
      ID_PATTERN.test(text)
        ? undefined
        : 'must be 1-64 letters, digits, "_" or "-", starting with a letter or digit',
    );
  }

  #string(
    field: string,
    code: FieldErrorCode,
    optional: boolean | undefined,
    check: (text: string) => string | undefined,
  ) {
    const value = this.#present(field, code, optional);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.#issue(field, code, `must be a string, not ${describeType(value)}`);
      return undefined;
    }
    const problem = check(value);
    if (problem !== undefined) this.#issue(field, code, problem);
    return problem === undefined ? value : undefined;
  }

  #present(field: string, code: FieldErrorCode, optional: boolean | undefined): unknown {
    const value = Object.hasOwn(this.#body, field) ? this.#body[field] : undefined;
    if ((value === undefined || value === null) && !optional) this.#issue(field, code, 'is required');
    return value ?? undefined;
  }

  #issue(field: string, code: FieldErrorCode, message: string): void {
    this.#issues.push({ field, code, message });
  }
}

/** Why `value` is not a valid amount, or `undefined` when it is one. */
export function amountProblem(value: unknown): string | undefined {
  if (typeof value !== 'number') {
    return `must be a number of minor units such as 1250 (for 12.50), not ${describeType(value)}`;
  }
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (!Number.isInteger(value)) return `must be a whole number of minor units (1250 for 12.50), not ${value}`;
  if (value <= 0) return `must be positive, not ${value}`;
  if (value > MAX_BALANCE) return `must be at most ${MAX_BALANCE} (10^15) minor units`;
  return undefined;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string (${JSON.stringify(value).slice(0, 40)})`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
