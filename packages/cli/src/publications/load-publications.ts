import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Upcasters } from '@dynamo-es/event-store';
import type { ClaimCheck, Publication, Sink } from '@dynamo-es/publisher';
import { PublicationsModuleError } from '../errors.js';
import { findUpcasters, isObject } from '../projections/load-projections.js';
import { importUserModule } from '../user-module.js';

/**
 * What the CLI found in a publications module: the publications, the sink they publish to, and
 * the claim check and upcasters when the application has them.
 *
 * @example
 * const { publications, sink } = await loadPublications('./src/publications.ts', process.cwd());
 */
export interface LoadedPublications {
  readonly path: string;
  readonly publications: readonly Publication[];
  /** The `sink` export: where a replay publishes (the application's sink, with its client). */
  readonly sink: Sink;
  readonly claimCheck?: ClaimCheck;
  readonly upcasters?: Upcasters;
}

/**
 * Loads the user's publications from a module, like `--projections` modules are loaded. Picked
 * up: every export that is a publication made by `definePublication` (or an array of them), the
 * `sink` export (what `kinesisSink`, `snsSink`, `sqsSink` or `eventBridgeSink` returned), and
 * `claimCheck` and `upcasters` exports when present.
 *
 * @throws PublicationsModuleError when the file is missing, fails to load, or exports no
 * publication or no sink.
 * @example
 * // publications.ts
 * export const bankPublic = definePublication<BankEvent>({ name: 'bank-public', messages });
 * export const sink = kinesisSink({ client: new KinesisClient({}), streamName: 'bank-public' });
 * // then: dynamo-es dead-letters replay --publication bank-public --publications ./publications.ts
 */
export async function loadPublications(modulePath: string, cwd: string): Promise<LoadedPublications> {
  const fail = (problem: string, options?: { cause?: unknown }) =>
    new PublicationsModuleError(modulePath, problem, options);
  const path = isAbsolute(modulePath) ? modulePath : resolve(cwd, modulePath);
  if (!existsSync(path)) throw fail(`no such file (${path})`);
  const exports = await importUserModule(path, fail);
  const publications = [...new Set(Object.values(exports).flat().filter(isPublication))];
  if (publications.length === 0) {
    throw fail('it exports no publication; export the values definePublication() returns');
  }
  const { sink, claimCheck } = exports;
  if (!isSink(sink)) {
    throw fail(
      'it exports no `sink`; export the sink the publisher uses, e.g. `export const sink = kinesisSink({ client, streamName })`',
    );
  }
  if (claimCheck !== undefined && !(isObject(claimCheck) && typeof claimCheck.store === 'function')) {
    throw fail('its `claimCheck` export is not what s3ClaimCheck() returns');
  }
  const upcasters = findUpcasters(exports);
  return {
    path,
    publications,
    sink,
    ...(claimCheck ? { claimCheck: claimCheck as unknown as ClaimCheck } : {}),
    ...(upcasters ? { upcasters } : {}),
  };
}

/**
 * The publication named `name`.
 *
 * @throws PublicationsModuleError naming the publications the module has.
 * @example
 * const bankPublic = pickPublication(await loadPublications('./publications.ts', process.cwd()), 'bank-public');
 */
export function pickPublication(loaded: LoadedPublications, name: string): Publication {
  const found = loaded.publications.find((publication) => publication.name === name);
  if (!found) {
    const available = loaded.publications.map((publication) => publication.name).join(', ');
    throw new PublicationsModuleError(loaded.path, `it has no publication "${name}" (it has: ${available})`);
  }
  return found;
}

/** A publication from `definePublication`, recognised by shape so that any installed copy works. */
function isPublication(value: unknown): value is Publication {
  return (
    isObject(value) &&
    typeof value.name === 'string' &&
    typeof value.version === 'number' &&
    typeof value.toMessage === 'function' &&
    typeof value.handles === 'function' &&
    Array.isArray(value.eventTypes)
  );
}

function isSink(value: unknown): value is Sink {
  return (
    isObject(value) &&
    typeof value.send === 'function' &&
    typeof value.entryBytes === 'function' &&
    isObject(value.limits)
  );
}
