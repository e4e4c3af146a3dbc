import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { CommandHandlers, CommandShape, Saga } from '@dynamo-es/sagas';
import { SagasModuleError } from './errors.js';
import { importUserModule } from './user-module.js';

/** A saga and the handlers of its commands, as a `--sagas` module exports them. */
export interface SagaWithCommands {
  readonly saga: Saga;
  readonly commands: CommandHandlers<CommandShape>;
}

/**
 * Loads the `{ saga, commands }` named `sagaName` from the user's module: every export (the default
 * one included) that is such an object, or an array of them, is looked at.
 *
 * @example
 * // sagas.ts
 * export const transfers = { saga: transfer, commands };
 * // then: dynamo-es sagas retry t-42 --saga transfer --sagas ./sagas.ts
 */
export async function loadSaga(modulePath: string, cwd: string, sagaName: string): Promise<SagaWithCommands> {
  const path = isAbsolute(modulePath) ? modulePath : resolve(cwd, modulePath);
  if (!existsSync(path)) throw new SagasModuleError(modulePath, `no such file (${path})`);
  const exports = await importUserModule(
    path,
    (problem, options) => new SagasModuleError(modulePath, problem, options),
  );
  const found = Object.values(exports)
    .flatMap((value) => (Array.isArray(value) ? value : [value]))
    .filter(isSagaWithCommands);
  const named = found.find((entry) => entry.saga.name === sagaName);
  if (!named) {
    const available = found.map((entry) => entry.saga.name);
    throw new SagasModuleError(
      modulePath,
      `it exports no { saga, commands } for saga "${sagaName}" (found: ${available.length > 0 ? available.join(', ') : 'none'}); ` +
        'export { saga: yourSaga, commands: yourCommandHandlers }',
    );
  }
  return named;
}

function isSagaWithCommands(value: unknown): value is SagaWithCommands {
  const entry = value as { saga?: { name?: unknown; react?: unknown }; commands?: unknown } | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.saga?.name === 'string' &&
    typeof entry.saga.react === 'function' &&
    typeof entry.commands === 'object' &&
    entry.commands !== null
  );
}
