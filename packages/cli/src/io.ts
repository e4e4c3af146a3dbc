/**
 * Where the CLI writes: standard output for results (tables, JSON lines), standard error for
 * progress, warnings and errors, so that `dynamo-es ... --json | jq` only ever sees results.
 *
 * @example
 * const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
 */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  /** Relative `--projections` paths are resolved from here. */
  readonly cwd: string;
}

/**
 * The process's own streams, environment and working directory.
 *
 * @example
 * await run(['tables', 'describe'], processIo());
 */
export const processIo = (): CliIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});

/** Writes a line to standard output. */
export const printLine = (io: CliIo, line = ''): void => {
  io.stdout.write(`${line}\n`);
};

/** Writes a line to standard error. */
export const printNote = (io: CliIo, line: string): void => {
  io.stderr.write(`${line}\n`);
};
