import type { Logger } from '@dynamo-es/event-store';
import { type CliIo, printNote } from '../io.js';
import { toJson } from '../output/format.js';

/**
 * A logger for the projections package that prints `warn: message {details}` and `error: ...`
 * lines on standard error; `debug` and `info` (batch counts, rebuild progress: the progress bar and
 * the summary show those) are dropped. While a progress bar is drawn there, lines are held back
 * until {@link flush}, or they would tear the bar.
 */
export class CliLogger implements Logger {
  readonly #io: CliIo;
  readonly #held: string[] = [];
  #holding = false;

  constructor(io: CliIo) {
    this.#io = io;
  }

  debug(): void {}

  info(): void {}

  warn(message: string, details?: Record<string, unknown>): void {
    this.#write('warn', message, details);
  }

  error(message: string, details?: Record<string, unknown>): void {
    this.#write('error', message, details);
  }

  /** Holds lines back until {@link flush}. */
  hold(): void {
    this.#holding = true;
  }

  /** Prints held lines and stops holding. */
  flush(): void {
    this.#holding = false;
    for (const line of this.#held.splice(0)) printNote(this.#io, line);
  }

  #write(level: string, message: string, details?: Record<string, unknown>): void {
    const line = `${level}: ${message}${details ? ` ${toJson(details)}` : ''}`;
    if (this.#holding) this.#held.push(line);
    else printNote(this.#io, line);
  }
}
