import { isDeepStrictEqual } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventStore } from '@dynamo-es/event-store';
import { ReadModels } from '@dynamo-es/projections';
import type { BankTables } from '../../src/app/tables.js';
import { apiGatewayEvent } from '../../src/http/api-event.js';
import type { HttpApiHandler } from '../../src/http/http-api-handler.js';
import {
  accountStatementProjection,
  type Movement,
  type StatementPage,
  statementKeys,
} from '../../src/projections/account-statement.js';
import { type AccountSummary, accountSummaryProjection } from '../../src/projections/account-summary.js';
import { BankQueries, type StatementView } from '../../src/projections/bank-queries.js';
import { bankProjections } from '../../src/projections/index.js';
import { type ExpectedReadModels, expectedReadModels } from './expected-read-models.js';
import { accountStreams, scanEvents } from './scan-events.js';
import { checkStoreIntegrity, type IntegrityProblem } from './store-integrity.js';

/** One read model that differs from what the store says it must be. */
export interface Mismatch {
  readonly readModel: string;
  readonly key: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

/** What {@link verifyReadModels} checked and found. */
export interface Verification {
  readonly accounts: number;
  readonly events: number;
  readonly summariesChecked: number;
  readonly movementsChecked: number;
  readonly statementPagesChecked: number;
  /** Accounts whose summary and whole statement were also read through the HTTP handler. */
  readonly accountsCheckedOverHttp: number;
  readonly deadLetters: number;
  /** Transfers in the store (each checked to be whole). */
  readonly transfers: number;
  /** Broken invariants of the events themselves (see `checkStoreIntegrity`); the first ones listed. */
  readonly integrityProblemCount: number;
  readonly integrityProblems: readonly IntegrityProblem[];
  /** Every mismatch found (the first {@link MAX_LISTED} are in `mismatches`). */
  readonly mismatchCount: number;
  readonly mismatches: readonly Mismatch[];
}

const MAX_LISTED = 20;

/** Options of {@link verifyReadModels}. */
export interface VerifyOptions {
  readonly client: DynamoDBClient;
  readonly tables: BankTables;
  /** Also read this many accounts (summary and every statement page) through the HTTP handler. */
  readonly http?: { readonly handler: HttpApiHandler; readonly sample: number };
}

/**
 * Checks every read model against the store, once the projections have caught up: the summary of
 * every account against the `BankAccount` loaded from its events; every account's whole statement
 * (all pages) against its events with the running balance recomputed; the bank-wide totals
 * recomputed from all accounts; no dead letters; and the invariants of the events themselves. Reads the read models with `reader().list()`
 * (a `Scan`: fine for a tool, never for a request path).
 */
export async function verifyReadModels(options: VerifyOptions): Promise<Verification> {
  const { client, tables } = options;
  const eventStore = new EventStore({ client, tableName: tables.events });
  const readModels = new ReadModels({ client, eventStore, tableName: tables.readModels });
  const [stored, summaries, statementPages, totals, deadLetters] = await Promise.all([
    scanEvents(client, tables.events),
    readModels.reader<AccountSummary>(accountSummaryProjection).list(),
    readModels.reader<StatementPage>(accountStatementProjection).list(),
    new BankQueries(readModels).totals(),
    Promise.all(bankProjections.map((projection) => readModels.deadLetters.list(projection))),
  ]);
  const streams = accountStreams(stored);
  const expected = expectedReadModels(streams);
  const integrity = checkStoreIntegrity(streams);
  const found = new Findings();
  compareKeyed(found, 'account-summary', expected.summaries, summaries);
  const movements = compareStatements(found, expected, statementPages);
  found.check('bank-totals', 'bank', expected.totals, totals);
  const letters = deadLetters.flat();
  for (const letter of letters)
    found.add({
      readModel: letter.projection,
      key: `dead letter ${letter.streamId} v${letter.version}`,
      expected: 'no dead letter',
      actual: letter.error.message,
    });
  const sample = options.http ? await checkOverHttp(found, expected, options.http) : 0;
  return {
    accounts: expected.summaries.size,
    events: expected.events,
    summariesChecked: expected.summaries.size,
    movementsChecked: movements,
    statementPagesChecked: [...statementPages.keys()].length,
    accountsCheckedOverHttp: sample,
    deadLetters: letters.length,
    transfers: integrity.transfers,
    integrityProblemCount: integrity.problems.length,
    integrityProblems: integrity.problems.slice(0, MAX_LISTED),
    mismatchCount: found.count,
    mismatches: found.listed,
  };
}

class Findings {
  count = 0;
  readonly listed: Mismatch[] = [];

  add(mismatch: Mismatch): void {
    this.count++;
    if (this.listed.length < MAX_LISTED) this.listed.push(mismatch);
  }

  check(readModel: string, key: string, expected: unknown, actual: unknown): void {
    if (!isDeepStrictEqual(expected, actual)) this.add({ readModel, key, expected, actual });
  }
}

function compareKeyed<D>(
  found: Findings,
  name: string,
  expected: ReadonlyMap<string, D>,
  actual: ReadonlyMap<string, D>,
) {
  for (const [key, document] of expected) found.check(name, key, document, actual.get(key));
  for (const key of actual.keys())
    if (!expected.has(key)) found.add({ readModel: name, key, expected: undefined, actual: actual.get(key) });
}

/** Puts every account's pages back together (oldest first) and compares them with its events. */
function compareStatements(
  found: Findings,
  expected: ExpectedReadModels,
  pages: ReadonlyMap<string, StatementPage>,
): number {
  let movements = 0;
  for (const [accountId, lines] of expected.statements) {
    const latest = pages.get(statementKeys.latest(accountId));
    const all: Movement[] = [];
    for (let page = 1; latest !== undefined && page < latest.page; page++) {
      all.push(...(pages.get(statementKeys.page(accountId, page))?.movements ?? []));
    }
    all.push(...(latest?.movements ?? []));
    found.check('account-statement', accountId, lines, all);
    movements += lines.length;
  }
  return movements;
}

/** Reads a sample of accounts through the HTTP API, as a client would, and compares. */
async function checkOverHttp(
  found: Findings,
  expected: ExpectedReadModels,
  http: NonNullable<VerifyOptions['http']>,
) {
  const ids = [...expected.summaries.keys()];
  const step = Math.max(1, Math.floor(ids.length / Math.max(1, http.sample)));
  const sample = ids.filter((_, index) => index % step === 0).slice(0, http.sample);
  for (const accountId of sample) {
    const summary = await get(http.handler, `/accounts/${accountId}`);
    found.check('GET /accounts/{id}', accountId, expected.summaries.get(accountId), summary);
    const newestFirst: Movement[] = [];
    for (let page: number | null | undefined; page !== null; ) {
      const view = (await get(
        http.handler,
        `/accounts/${accountId}/statement${page ? `?page=${page}` : ''}`,
      )) as StatementView;
      newestFirst.push(...(view?.movements ?? []));
      page = view?.nextPage ?? null;
    }
    found.check(
      'GET /accounts/{id}/statement',
      accountId,
      expected.statements.get(accountId),
      newestFirst.reverse(),
    );
  }
  return sample.length;
}

async function get(handler: HttpApiHandler, url: string): Promise<unknown> {
  const result = await handler(apiGatewayEvent({ method: 'GET', url }));
  return result.statusCode === 200
    ? JSON.parse(result.body ?? 'null')
    : { status: result.statusCode, body: result.body };
}
