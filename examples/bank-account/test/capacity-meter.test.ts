import { describe, expect, it } from 'vitest';
import { createTestClient, uniqueId } from '../../../test/support/dynamodb.js';
import { meterCapacity } from '../infra/smoke/capacity-meter.js';
import { createBankApp } from '../src/app/bank-app.js';
import { bankTableNames, createBankTables } from '../src/app/tables.js';

// The meter `npm run smoke:aws` prints real AWS capacity with, checked on DynamoDB Local (whose
// figures only approximate AWS's, but come back in the same fields).
describe('capacity meter', () => {
  it('asks for ReturnConsumedCapacity and adds up requests and capacity per command', async () => {
    const client = createTestClient();
    const tables = bankTableNames(uniqueId('meter'));
    await createBankTables(client, tables);
    const meter = meterCapacity(client);
    const { bank } = createBankApp({ client, tables, onSnapshotError: () => {} });
    await bank.open({ accountId: 'ada', owner: 'Ada', currency: 'EUR' });
    await bank.open({ accountId: 'bob', owner: 'Bob', currency: 'EUR', initialDeposit: 100 });
    meter.reset();
    await bank.transfer({ from: 'bob', to: 'ada', amount: 5, currency: 'EUR' });
    const transaction = meter.byCommand().get('TransactWriteItemsCommand');
    expect(transaction?.requests).toBe(1);
    expect(transaction?.writeCapacityUnits).toBeGreaterThan(0);
    expect(transaction?.readCapacityUnits).toBe(0);
    expect(meter.byCommand().get('QueryCommand')?.readCapacityUnits).toBeGreaterThan(0);
    expect(meter.total().requests).toBeGreaterThan(1);
    client.destroy();
  });
});
