import type { Projection } from '@dynamo-es/projections';
import { accountStatementProjection } from './account-statement.js';
import { accountSummaryProjection } from './account-summary.js';
import { bankTotalsProjection } from './bank-totals.js';

/** Every read model of the bank, as the stream handler (Lambda or `StreamRunner`) runs them. */
export const bankProjections: readonly Projection[] = [
  accountSummaryProjection,
  accountStatementProjection,
  bankTotalsProjection,
];
