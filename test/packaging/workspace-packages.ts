import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A package of the workspace that is published (not `private`). */
export interface PublishedPackage {
  readonly name: string;
  readonly version: string;
  /** Folder, relative to the repository root. */
  readonly dir: string;
  readonly manifest: Record<string, unknown>;
}

/**
 * Every published package of the workspace, in the order of the root `workspaces` list, read from
 * the root package.json: a package added there (e.g. packages/stream-runner) is packed and tested
 * without touching the test.
 *
 * @example
 * const names = publishedPackages(root).map((pkg) => pkg.name);
 */
export function publishedPackages(root: string): PublishedPackage[] {
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    workspaces?: string[];
  };
  return (rootManifest.workspaces ?? []).flatMap((dir) => {
    const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    if (manifest.private === true) return [];
    return [{ name: String(manifest.name), version: String(manifest.version), dir, manifest }];
  });
}

/** The import specifiers of a package's `exports` (`@dynamo-es/aggregate`, `@dynamo-es/aggregate/testing`, ...). */
export function entryPoints(pkg: PublishedPackage): string[] {
  const exports = (pkg.manifest.exports ?? {}) as Record<string, unknown>;
  return Object.keys(exports).map((key) =>
    key === '.' ? pkg.name : `${pkg.name}/${key.replace(/^\.\//, '')}`,
  );
}
