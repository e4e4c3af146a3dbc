import { parseArgs } from 'node:util';

/** Options of the main job (`npm start`). */
export interface ScenarioOptions {
  /** Accounts opened. */
  readonly accounts: number;
  /** Random commands after the accounts are open. */
  readonly commands: number;
  /** Commands in flight at once. */
  readonly concurrency: number;
  /** Keep running afterwards, serving the HTTP API on {@link ScenarioOptions.port}. */
  readonly serve: boolean;
  readonly port: number;
  /** Seed of the random command sequence. */
  readonly seed: number;
}

export const DEFAULTS: ScenarioOptions = {
  accounts: 600,
  commands: 2_000,
  concurrency: 32,
  serve: false,
  port: 3000,
  seed: 42,
};

export const USAGE = `Usage: npm start -w @dynamo-es/example-bank-account -- [options]

Runs a bank on embedded DynamoDB Local: opens accounts, runs random concurrent commands through the
HTTP API handler, projects the events from the table's DynamoDB Stream, then checks every read model
against the event store and prints a report. Exits with 1 on any mismatch.

Options (environment variable in brackets; flags win):
  --accounts N      accounts to open                       [BANK_ACCOUNTS]    default ${DEFAULTS.accounts}
  --commands N      random commands after opening them     [BANK_COMMANDS]    default ${DEFAULTS.commands}
  --concurrency N   commands in flight at once             [BANK_CONCURRENCY] default ${DEFAULTS.concurrency}
  --seed N          seed of the random command sequence    [BANK_SEED]        default ${DEFAULTS.seed}
  --serve           keep running, serving the HTTP API     [BANK_SERVE=1]
  --port N          port of the HTTP API with --serve      [BANK_PORT]        default ${DEFAULTS.port} (0: any free port)
  -h, --help        this text

DYNAMODB_ENDPOINT=http://host:port uses a DynamoDB Local you already run instead of starting one.`;

/** Thrown for bad options; the message says which and why. */
export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

/**
 * Options from the command line and the environment.
 *
 * @returns `undefined` when help was asked for.
 * @throws OptionsError for an unknown flag or a bad value.
 */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): ScenarioOptions | undefined {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new OptionsError((error as Error).message);
  }
  if (values.help) return undefined;
  const number = (flag: keyof typeof RANGES, envName: string, fallback: number) =>
    integer(flag, values[flag] ?? env[envName], fallback);
  const options: ScenarioOptions = {
    accounts: number('accounts', 'BANK_ACCOUNTS', DEFAULTS.accounts),
    commands: number('commands', 'BANK_COMMANDS', DEFAULTS.commands),
    concurrency: number('concurrency', 'BANK_CONCURRENCY', DEFAULTS.concurrency),
    seed: number('seed', 'BANK_SEED', DEFAULTS.seed),
    port: number('port', 'BANK_PORT', DEFAULTS.port),
    serve: values.serve ?? ['1', 'true', 'yes'].includes((env.BANK_SERVE ?? '').toLowerCase()),
  };
  if (options.commands > 0 && options.accounts < 2) {
    throw new OptionsError('--commands needs at least 2 --accounts (transfers take two)');
  }
  return options;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      accounts: { type: 'string' },
      commands: { type: 'string' },
      concurrency: { type: 'string' },
      seed: { type: 'string' },
      port: { type: 'string' },
      serve: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

const RANGES = {
  accounts: [0, 1_000_000],
  commands: [0, 10_000_000],
  concurrency: [1, 1_000],
  seed: [0, 2 ** 32 - 1],
  port: [0, 65_535],
} as const;

function integer(flag: keyof typeof RANGES, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const [min, max] = RANGES[flag];
  const value = Number(raw.replaceAll('_', ''));
  if (!/^[0-9_]+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new OptionsError(
      `--${flag} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}`,
    );
  }
  return value;
}
