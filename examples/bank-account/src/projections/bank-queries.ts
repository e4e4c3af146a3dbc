import type { ReadModelReader, ReadModels } from '@dynamo-es/projections';
import type { Currency, MinorUnits } from '../domain/money.js';
import {
  accountStatementProjection,
  type Movement,
  type StatementPage,
  statementKeys,
} from './account-statement.js';
import { type AccountSummary, accountSummaryProjection } from './account-summary.js';
import { BANK_TOTALS_KEY, type BankTotals, bankTotalsProjection, EMPTY_TOTALS } from './bank-totals.js';

/** A statement page as clients see it: newest movement first. */
export interface StatementView {
  readonly accountId: string;
  readonly currency: Currency;
  readonly page: number;
  /** Balance after the newest movement of this page. */
  readonly balance: MinorUnits;
  readonly movements: readonly Movement[];
  /** The next (older) page, or `null` on the first page of the account's history. */
  readonly nextPage: number | null;
}

/**
 * The read side of the bank, over the projections' readers (`ReadModels.reader` of
 * `@dynamo-es/projections`): every call is one `GetItem` (plus, at most every 5 s, one for the
 * projection's active version), never a `Scan`. Read models are eventually consistent: they lag
 * the commands by the time the stream takes to reach the projection handler.
 *
 * @example
 * const queries = new BankQueries(new ReadModels({ client, eventStore, tableName: 'bank-read-models' }));
 * const summary = await queries.account('acc-1');
 */
export class BankQueries {
  readonly #summaries: ReadModelReader<AccountSummary>;
  readonly #statements: ReadModelReader<StatementPage>;
  readonly #totals: ReadModelReader<BankTotals>;

  constructor(readModels: ReadModels) {
    this.#summaries = readModels.reader(accountSummaryProjection);
    this.#statements = readModels.reader(accountStatementProjection);
    this.#totals = readModels.reader<BankTotals>(bankTotalsProjection);
  }

  /** The account's summary, or `undefined` when the read model has no such account (yet). */
  account(accountId: string): Promise<AccountSummary | undefined> {
    return this.#summaries.get(accountId);
  }

  /**
   * A page of the account's statement, newest first: without `page`, the latest; then follow
   * `nextPage`. `undefined` when the account or the page does not exist.
   */
  async statement(accountId: string, page?: number): Promise<StatementView | undefined> {
    if (page === undefined) return toView(await this.#statements.get(statementKeys.latest(accountId)));
    const archived = await this.#statements.get(statementKeys.page(accountId, page));
    if (archived !== undefined) return toView(archived);
    // Not archived: only the latest page can have this number.
    const latest = await this.#statements.get(statementKeys.latest(accountId));
    return latest?.page === page ? toView(latest) : undefined;
  }

  /** The bank-wide totals (all zero before the first account). */
  async totals(): Promise<BankTotals> {
    return (await this.#totals.get(BANK_TOTALS_KEY)) ?? EMPTY_TOTALS;
  }
}

function toView(page: StatementPage | undefined): StatementView | undefined {
  if (page === undefined) return undefined;
  return {
    accountId: page.accountId,
    currency: page.currency,
    page: page.page,
    balance: page.balance,
    movements: [...page.movements].reverse(),
    nextPage: page.page > 1 ? page.page - 1 : null,
  };
}
