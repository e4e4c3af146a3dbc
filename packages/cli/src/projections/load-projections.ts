import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Upcasters } from '@dynamo-es/event-store';
import type { Projection } from '@dynamo-es/projections';
import { ProjectionNotFoundError, ProjectionsModuleError } from '../errors.js';
import { importUserModule } from '../user-module.js';

/**
 * What the CLI found in a projections module.
 *
 * @example
 * const { projections, upcasters } = await loadProjections('./src/projections.ts', process.cwd());
 */
export interface LoadedProjections {
  /** The module's file path, as resolved. */
  readonly path: string;
  readonly projections: readonly Projection[];
  /** The module's `upcasters` export, for the event store that feeds the projections. */
  readonly upcasters?: Upcasters;
}

/**
 * Loads the user's projection definitions from a module, with a dynamic `import()`. Picked up:
 * every export (the default one included) that is a projection made by `defineProjection`, or an
 * array of them, or an object with a `projections` array; and an `upcasters` export, when the event
 * store uses upcasters. TypeScript modules load too: when the CLI runs from its sources it runs
 * under tsx already, and from `dist/` it registers tsx on the first `.ts` file Node refuses.
 *
 * @example
 * // projections.ts
 * export const accounts = defineProjection<BankEvent, Account>({ name: 'accounts', version: 2, handlers });
 * export const upcasters = { MoneyDeposited: { 1: (data) => ({ ...data, currency: 'EUR' }) } };
 * // then: dynamo-es projections rebuild accounts --projections ./projections.ts
 * const { projections } = await loadProjections('./projections.ts', process.cwd());
 */
export async function loadProjections(modulePath: string, cwd: string): Promise<LoadedProjections> {
  const path = isAbsolute(modulePath) ? modulePath : resolve(cwd, modulePath);
  if (!existsSync(path)) throw new ProjectionsModuleError(modulePath, `no such file (${path})`);
  const exports = await importUserModule(
    path,
    (problem, options) => new ProjectionsModuleError(modulePath, problem, options),
  );
  const projections = collectProjections(modulePath, exports);
  if (projections.length === 0) {
    throw new ProjectionsModuleError(
      modulePath,
      'it exports no projection; export the values defineProjection() returns (or an array of them)',
    );
  }
  const upcasters = findUpcasters(exports);
  return { path, projections, ...(upcasters ? { upcasters } : {}) };
}

/**
 * The projection named `name`: of version `version` if given, else the only one of that name, or
 * the newest (the one a rebuild builds).
 *
 * @throws ProjectionNotFoundError naming the projections the module has.
 * @example
 * const accounts = pickProjection(await loadProjections('./src/projections.ts', process.cwd()), 'accounts');
 */
export function pickProjection(loaded: LoadedProjections, name: string, version?: number): Projection {
  const candidates = loaded.projections.filter(
    (projection) => projection.name === name && (version === undefined || projection.version === version),
  );
  const newest = candidates.sort((a, b) => b.version - a.version)[0];
  if (!newest) {
    const available = loaded.projections.map((projection) => `${projection.name} v${projection.version}`);
    throw new ProjectionNotFoundError({ name, ...(version === undefined ? {} : { version }), available });
  }
  return newest;
}

function collectProjections(modulePath: string, exports: Record<string, unknown>): Projection[] {
  const found = new Map<string, Projection>();
  const add = (value: unknown) => {
    if (!isProjection(value)) return;
    const id = `${value.name} v${value.version}`;
    const existing = found.get(id);
    if (existing && existing !== value) {
      throw new ProjectionsModuleError(modulePath, `it exports two different projections "${id}"`);
    }
    found.set(id, value);
  };
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(add);
    else if (isProjection(value)) add(value);
    else if (isObject(value) && Array.isArray(value.projections)) value.projections.forEach(add);
  };
  for (const value of Object.values(exports)) visit(value);
  return [...found.values()];
}

export function findUpcasters(exports: Record<string, unknown>): Upcasters | undefined {
  const fromDefault = isObject(exports.default) ? exports.default.upcasters : undefined;
  const upcasters = exports.upcasters ?? fromDefault;
  return isObject(upcasters) ? (upcasters as Upcasters) : undefined;
}

/** A projection from `defineProjection`, recognised by shape so that any installed copy works. */
function isProjection(value: unknown): value is Projection {
  return (
    isObject(value) &&
    typeof value.name === 'string' &&
    typeof value.version === 'number' &&
    typeof value.apply === 'function' &&
    typeof value.handles === 'function' &&
    Array.isArray(value.eventTypes)
  );
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;
