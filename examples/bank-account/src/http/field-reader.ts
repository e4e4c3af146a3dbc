import { ID_PATTERN } from '../application/account-id.js';
import { MAX_BALANCE } from '../domain/money.js';
import { type FieldIssue, invalidRequest } from './http-error.js';

const CURRENCY = /^[A-Z]{3}$/;

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
        this.#issue(field, `is not a field of this request (expected: ${allowed.join(', ')})`);
    }
  }

  /** A positive whole number of minor units (`1250` is 12.50). */
  amount(field: string, options: { optional?: boolean } = {}): number | undefined {
    const value = this.#present(field, options.optional);
    if (value === undefined) return undefined;
    const problem = amountProblem(value);
    if (problem === undefined) return value as number;
    this.#issue(field, problem);
    return undefined;
  }

  /** An ISO 4217 currency code such as `"EUR"`. */
  currency(field: string, options: { optional?: boolean } = {}): string | undefined {
    return this.#string(field, options.optional, (text) =>
      CURRENCY.test(text)
        ? undefined
        : 'must be an ISO 4217 currency code of three capital letters, such as "EUR"',
    );
  }

  /** An account or request id: 1-64 letters, digits, `_` or `-`. */
  id(field: string, options: { optional?: boolean } = {}): string | undefined {
    return this.#string(field, options.optional, (text) =>
      ID_PATTERN.test(text)
        ? undefined
        : 'must be 1-64 letters, digits, "_" or "-", starting with a letter or digit',
    );
  }

  /** A name: 1-200 characters, not only spaces. */
  name(field: string): string | undefined {
    return this.#string(field, false, (text) =>
      text.trim().length > 0 && text.length <= 200 ? undefined : 'must be 1-200 characters, not only spaces',
    );
  }

  /** Records a problem found outside this reader (e.g. with a header). */
  report(field: string, message: string): void {
    this.#issue(field, message);
  }

  /** @throws HttpError 400 `INVALID_REQUEST` with every problem found. */
  done(): void {
    if (this.#issues.length > 0) throw invalidRequest(this.#issues);
  }

  #string(field: string, optional: boolean | undefined, check: (text: string) => string | undefined) {
    const value = this.#present(field, optional);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.#issue(field, `must be a string, not ${describeType(value)}`);
      return undefined;
    }
    const problem = check(value);
    if (problem !== undefined) this.#issue(field, problem);
    return problem === undefined ? value : undefined;
  }

  #present(field: string, optional: boolean | undefined): unknown {
    const value = Object.hasOwn(this.#body, field) ? this.#body[field] : undefined;
    if ((value === undefined || value === null) && !optional) this.#issue(field, 'is required');
    return value ?? undefined;
  }

  #issue(field: string, message: string): void {
    this.#issues.push({ field, message });
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
