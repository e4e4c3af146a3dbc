import { type Command, InvalidArgumentError, Option } from 'commander';
import type { TableNames } from './tables.js';

/** Options every command has (set on the program, accepted before or after the command). */
export interface GlobalOptions {
  readonly endpoint?: string;
  readonly region?: string;
  readonly verbose?: boolean;
}

/**
 * `--endpoint`, `--region` and `--verbose`: on the program and on every command, so they go anywhere.
 * Only the program's `--endpoint` reads the environment, so that a flag on the command always wins.
 */
export const connectionOptions = (program: boolean): Option[] => [
  program
    ? new Option('--endpoint <url>', 'DynamoDB endpoint, e.g. http://localhost:8000 for DynamoDB Local').env(
        CliEnvironment.Endpoint,
      )
    : new Option('--endpoint <url>', `DynamoDB endpoint (default: $${CliEnvironment.Endpoint} or AWS)`),
  new Option('--region <region>', "AWS region (default: the SDK's, e.g. AWS_REGION)"),
  new Option('--verbose', 'print the stack of an error'),
];

/** Table-name options, as commander parses them. */
export interface TableOptions {
  readonly eventsTable?: string;
  readonly snapshotsTable?: string;
  readonly readModelTable?: string;
  readonly checkpointTable?: string;
  readonly feedTable?: string;
}

/**
 * Environment variables the CLI reads (besides the AWS SDK's own).
 *
 * @example
 * spawn('dynamo-es', ['stream', 'account-1'], { env: { [CliEnvironment.EventsTable]: 'bank-events' } });
 */
export const CliEnvironment = {
  Endpoint: 'DYNAMO_ES_ENDPOINT',
  EventsTable: 'DYNAMO_ES_EVENTS_TABLE',
  SnapshotsTable: 'DYNAMO_ES_SNAPSHOTS_TABLE',
  ReadModelTable: 'DYNAMO_ES_READ_MODEL_TABLE',
  CheckpointTable: 'DYNAMO_ES_CHECKPOINT_TABLE',
  FeedTable: 'DYNAMO_ES_FEED_TABLE',
  Projections: 'DYNAMO_ES_PROJECTIONS',
} as const;

export const DEFAULT_EVENTS_TABLE = 'events';
export const DEFAULT_SNAPSHOTS_TABLE = 'snapshots';
export const DEFAULT_CHECKPOINT_TABLE = 'runner-checkpoints';

/**
 * A command's options over its ancestors' (commander's `optsWithGlobals` lets ancestors win);
 * options a command did not get are left to its ancestors.
 */
export function commandOptions<O>(command: Command): O {
  const chain: Command[] = [];
  for (let current: Command | null = command; current; current = current.parent) chain.unshift(current);
  const merged: Record<string, unknown> = {};
  for (const link of chain) {
    for (const [key, value] of Object.entries(link.opts())) if (value !== undefined) merged[key] = value;
  }
  return merged as O;
}

/** Options naming the tables a command uses. */
export const tableOption = {
  events: () =>
    new Option('--events-table <name>', 'the events table')
      .env(CliEnvironment.EventsTable)
      .default(DEFAULT_EVENTS_TABLE),
  snapshots: () =>
    new Option('--snapshots-table <name>', 'the snapshots table')
      .env(CliEnvironment.SnapshotsTable)
      .default(DEFAULT_SNAPSHOTS_TABLE),
  readModels: () =>
    new Option(
      '--read-model-table <name>',
      'the read-model table (default: "<events-table>-read-models", as in @dynamo-es/projections)',
    ).env(CliEnvironment.ReadModelTable),
  checkpoints: () =>
    new Option('--checkpoint-table <name>', 'the StreamRunner checkpoint table')
      .env(CliEnvironment.CheckpointTable)
      .default(DEFAULT_CHECKPOINT_TABLE),
  feed: () =>
    new Option('--feed-table <name>', 'the feed table (default: "<events-table>-feed")').env(
      CliEnvironment.FeedTable,
    ),
};

/** `--projections <module>`: where the user's projection definitions are. */
export const projectionsModuleOption = (required: boolean) => {
  const option = new Option(
    '--projections <module>',
    'path of a .js or .ts module exporting your projections (see the README)',
  ).env(CliEnvironment.Projections);
  return required ? option.makeOptionMandatory() : option;
};

/** `--json`: JSON output for scripts instead of tables for people. */
export const jsonOption = (what = 'one JSON object per line') => new Option('--json', `print ${what}`);

/** Parses a flag value that must be an integer of at least `min`. */
export const integerAtLeast =
  (min: number) =>
  (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < min) {
      throw new InvalidArgumentError(`expected an integer of at least ${min}.`);
    }
    return number;
  };

/** The physical table names, with the libraries' defaults. */
export function tableNames(options: TableOptions): TableNames {
  const events = options.eventsTable ?? DEFAULT_EVENTS_TABLE;
  return {
    events,
    snapshots: options.snapshotsTable ?? DEFAULT_SNAPSHOTS_TABLE,
    'read-models': options.readModelTable ?? `${events}-read-models`,
    checkpoints: options.checkpointTable ?? DEFAULT_CHECKPOINT_TABLE,
    feed: options.feedTable ?? `${events}-feed`,
  };
}

/** Adds the table-name options to a command that works on all tables. */
export function addAllTableOptions<C extends { addOption(option: Option): C }>(command: C): C {
  return command
    .addOption(tableOption.events())
    .addOption(tableOption.snapshots())
    .addOption(tableOption.readModels())
    .addOption(tableOption.checkpoints())
    .addOption(tableOption.feed());
}
