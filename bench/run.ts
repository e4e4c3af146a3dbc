import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectDynamoDBLocal, createDynamoDBClient } from '@dynamo-es/local';
import type { Benchmark, BenchTable } from './types.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Prints a table with aligned columns, in Markdown so it can be pasted into a README. */
function printTable(table: BenchTable): void {
  const columns = [...new Set(table.rows.flatMap((row) => Object.keys(row)))];
  const cells = table.rows.map((row) => columns.map((column) => String(row[column] ?? '')));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) => `| ${values.map((value, i) => value.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n### ${table.title}\n`);
  console.log(line(columns));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of cells) console.log(line(row));
  if (table.notes?.length) console.log(`\n${table.notes.join('\n')}`);
}

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = (await readdir(here))
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.includes(basename(file, '.bench.ts')))
  .sort();

// Each module gets a DynamoDB Local of its own (unless DYNAMODB_ENDPOINT names a shared one):
// DynamoDB Local slows down as its stream-enabled tables accumulate writes, so one module's data
// would otherwise skew the next module's absolute rates.
console.log(`dynamo-es benchmarks (${new Date().toISOString()})`);
for (const file of files) {
  const local = await connectDynamoDBLocal();
  const clients: { destroy(): void }[] = [];
  try {
    console.log(`\n## ${file} on DynamoDB Local at ${local.endpoint}`);
    const benchmark = (await import(join(here, file))).default as Benchmark;
    const tables = await benchmark({
      endpoint: local.endpoint,
      client: local.client,
      newClient: () => {
        const client = createDynamoDBClient(local.endpoint);
        clients.push(client);
        return client;
      },
    });
    tables.forEach(printTable);
  } finally {
    for (const client of clients) client.destroy();
    await local.stop();
  }
}
