import { CommanderError } from 'commander';
import { describeError } from './describe-error.js';
import { isCommandFailedError, isUsageError } from './errors.js';
import { type CliIo, printNote, processIo } from './io.js';
import { createProgram, type RunState } from './program.js';

/**
 * Runs the CLI with the given arguments (without `node` and the script) and resolves to its exit
 * code: 0 success, 1 failure, 2 bad usage, 130 interrupted (Ctrl-C). Errors are printed on one line on standard error; with
 * `--verbose`, followed by the stack and causes.
 *
 * @example
 * process.exitCode = await run(['stream', 'account-42', '--endpoint', 'http://localhost:8000']);
 */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const state: RunState = { verbose: argv.includes('--verbose') };
  const program = createProgram(io, state);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    // commander already printed its own message (or the help, or the version).
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    printNote(io, describeError(error, state));
    if (isUsageError(error)) return 2;
    return isCommandFailedError(error) ? error.exitCode : 1;
  }
}
