import { EventStore } from '@dynamo-es/event-store';
import { SagaProcess, type SagaSummary, sagaOperations } from '@dynamo-es/sagas';
import { type Command, Option } from 'commander';
import { type CliIo, printLine } from '../io.js';
import { loadSaga } from '../load-sagas.js';
import { integerAtLeast, jsonOption, tableOption } from '../options.js';
import { plural, toJson, truncate } from '../output/format.js';
import { formatTable } from '../output/table.js';
import { type Session, sessionAction } from '../session.js';
import { requireTables, TableKind } from '../tables.js';

interface SagaOptions {
  readonly saga: string;
  readonly shards: number;
}

interface ListOptions extends SagaOptions {
  readonly stuck?: boolean;
  readonly stuckFor: number;
  readonly json?: boolean;
}

interface AbandonOptions extends SagaOptions {
  readonly reason: string;
}

const sagaOption = () => new Option('--saga <name>', 'the saga (its defineSaga name)').makeOptionMandatory();
const shardsOption = () =>
  new Option('--shards <n>', "the saga process's shards option").argParser(integerAtLeast(1)).default(8);

/** `dynamo-es sagas list | abandon | retry`: the operator's view of running saga instances. */
export function registerSagasCommands(program: Command, io: CliIo): void {
  const sagas = program
    .command('sagas')
    .description('list running and stuck saga instances, retry or abandon one');
  sagas
    .command('list')
    .description('the running instances of a saga: state, waiting since, pending commands, next deadline')
    .addOption(sagaOption())
    .addOption(new Option('--stuck', 'only the stuck ones (a command unanswered, or a deadline overdue)'))
    .addOption(
      new Option('--stuck-for <minutes>', 'how long before an instance counts as stuck')
        .argParser(integerAtLeast(0))
        .default(5),
    )
    .addOption(shardsOption())
    .addOption(jsonOption('one JSON object per instance'))
    .addOption(tableOption.events())
    .addOption(tableOption.readModels())
    .addHelpText(
      'after',
      "\nReads the index of running instances (one Query per shard) and each instance's stream.\n" +
        "Send a stuck instance's pending commands again with `dynamo-es sagas retry`.\n\n" +
        'Examples:\n  dynamo-es sagas list --saga transfer\n  dynamo-es sagas list --saga transfer --stuck --json',
    )
    .action(sessionAction<ListOptions, []>(io, list));
  sagas
    .command('abandon')
    .description('end an instance as abandoned: its pending commands and deadlines are dropped')
    .argument('<sagaId>', 'the instance')
    .addOption(sagaOption())
    .addOption(new Option('--reason <text>', 'why (recorded in its stream)').makeOptionMandatory())
    .addOption(shardsOption())
    .addOption(tableOption.events())
    .addOption(tableOption.readModels())
    .addHelpText(
      'after',
      '\nExample:\n  dynamo-es sagas abandon t-42 --saga transfer --reason "settled by phone"',
    )
    .action(sessionAction<AbandonOptions, [string]>(io, abandon));
  sagas
    .command('retry')
    .description("send an instance's pending commands again (same idempotency keys: never applied twice)")
    .argument('<sagaId>', 'the instance')
    .addOption(sagaOption())
    .addOption(
      new Option(
        '--sagas <module>',
        'path of a .js or .ts module exporting { saga, commands } (see the README)',
      )
        .env('DYNAMO_ES_SAGAS')
        .makeOptionMandatory(),
    )
    .addOption(shardsOption())
    .addOption(tableOption.events())
    .addOption(tableOption.readModels())
    .addHelpText(
      'after',
      '\nThe commands are your code: the module exports the saga and its command handlers.\n\n' +
        'Example:\n  dynamo-es sagas retry t-42 --saga transfer --sagas ./src/sagas.ts',
    )
    .action(sessionAction<RetryOptions, [string]>(io, retry));
}

interface RetryOptions extends SagaOptions {
  readonly sagas: string;
}

async function retry(session: Session<RetryOptions>, sagaId: string): Promise<void> {
  const { client, tables, options, io } = session;
  const { saga, commands } = await loadSaga(options.sagas, io.cwd, options.saga);
  await requireSagaTables(session);
  const process = new SagaProcess({
    saga,
    commands,
    eventStore: new EventStore({ client, tableName: tables.events }),
    client,
    tableName: tables['read-models'],
    shards: options.shards,
  });
  const before = (await process.load(sagaId)).pending.length;
  const after = await process.retry(sagaId);
  printLine(
    io,
    `${options.saga} ${sagaId}: sent ${plural(before, 'pending command')}; ${after.pending.length} pending now, ` +
      `${after.ended ? `ended ${after.ended.outcome}` : 'running'} (version ${after.version}).`,
  );
}

function operationsOf(session: Session<SagaOptions>) {
  const { client, tables, options } = session;
  return sagaOperations({
    sagaName: options.saga,
    eventStore: new EventStore({ client, tableName: tables.events }),
    client,
    tableName: tables['read-models'],
    shards: options.shards,
  });
}

async function requireSagaTables(session: Session<SagaOptions>): Promise<void> {
  await requireTables(session.client, [
    { kind: TableKind.Events, tableName: session.tables.events },
    { kind: TableKind.ReadModels, tableName: session.tables['read-models'] },
  ]);
}

async function list(session: Session<ListOptions>): Promise<void> {
  const { io, options } = session;
  const operations = operationsOf(session);
  await requireSagaTables(session);
  const found = await operations.list({
    stuckForMs: options.stuckFor * 60_000,
    stuckOnly: options.stuck === true,
  });
  if (options.json) {
    for (const saga of found) printLine(io, toJson(saga));
    return;
  }
  if (found.length === 0) {
    printLine(io, options.stuck ? `No stuck ${options.saga} sagas.` : `No running ${options.saga} sagas.`);
    return;
  }
  for (const line of formatTable(COLUMNS, found.map(row))) printLine(io, line);
  printLine(io);
  printLine(io, `${plural(found.length, 'instance')}, ${found.filter((saga) => saga.stuck).length} stuck.`);
}

const COLUMNS = [
  { heading: 'SAGA ID' },
  { heading: 'WAITING SINCE' },
  { heading: 'PENDING', align: 'right' as const },
  { heading: 'NEXT DEADLINE' },
  { heading: 'STUCK' },
  { heading: 'STATE' },
];

const row = (saga: SagaSummary): string[] => [
  saga.sagaId,
  saga.waitingSince,
  String(saga.pending.length),
  saga.nextDeadline ?? '-',
  saga.stuck ?? '-',
  truncate(JSON.stringify(saga.state), 80),
];

async function abandon(session: Session<AbandonOptions>, sagaId: string): Promise<void> {
  const operations = operationsOf(session);
  await requireSagaTables(session);
  const instance = await operations.abandon(sagaId, session.options.reason);
  printLine(
    session.io,
    `${session.options.saga} ${sagaId}: ${instance.ended?.outcome ?? 'running'} (version ${instance.version}).`,
  );
}
