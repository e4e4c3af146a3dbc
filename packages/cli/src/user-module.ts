import { pathToFileURL } from 'node:url';

/** The error to throw about the user's module, given what is wrong. */
export type ModuleFailure = (problem: string, options?: { cause?: unknown }) => Error;

/**
 * Imports a module of the user's (projections, sagas) with a dynamic `import()`. TypeScript modules
 * load too: when the CLI runs from its sources it runs under tsx already, and from `dist/` it
 * registers tsx on the first `.ts` file Node refuses.
 */
export async function importUserModule(path: string, fail: ModuleFailure): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_UNKNOWN_FILE_EXTENSION' && (await registerTsx(fail))) {
      // Node remembers the failed import of `url`: ask for it under another URL.
      return importOnce(`${url}?typescript`, fail);
    }
    throw loadError(fail, error);
  }
}

async function importOnce(url: string, fail: ModuleFailure): Promise<Record<string, unknown>> {
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw loadError(fail, error);
  }
}

const loadError = (fail: ModuleFailure, error: unknown) =>
  fail(`it failed to load: ${(error as Error).message ?? String(error)}`, { cause: error });

let tsxRegistered = false;

/**
 * Lets Node import TypeScript (once; false when it was registered already, so it cannot help).
 * `tsx` is an optional peer dependency: without it, say how to get it or to avoid it.
 */
async function registerTsx(fail: ModuleFailure): Promise<boolean> {
  if (tsxRegistered) return false;
  let api: { register: () => unknown };
  try {
    api = (await import('tsx/esm/api')) as { register: () => unknown };
  } catch (error) {
    throw fail(
      'it is TypeScript and no TypeScript loader is installed: `npm install --save-dev tsx` ' +
        '(the CLI then loads .ts modules itself), run the CLI under one (`node --import tsx`), ' +
        'or point --module at the compiled .js',
      { cause: error },
    );
  }
  tsxRegistered = true;
  api.register();
  return true;
}
