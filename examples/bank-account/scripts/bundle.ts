/**
 * `npm run bundle -w @dynamo-es/example-bank-account`: the Lambda entry points as the CDK
 * stack bundles them (one minified ES module each, source maps, the AWS SDK inside), into
 * `dist/lambda/`, with no `npm run build` first: esbuild resolves the dynamo-es packages through
 * their `@dynamo-es/source` export condition, i.e. their TypeScript sources. An app using the
 * published packages needs no condition: their `exports` point at the built `dist/`.
 */
import { fileURLToPath } from 'node:url';
import { type BuildResult, build } from 'esbuild';

const EXAMPLE = fileURLToPath(new URL('..', import.meta.url));

/** ESM output needs `require` for the few CommonJS modules inside the bundle (parts of the SDK). */
const REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** Every Lambda entry module of the example, as the CDK stack deploys them. */
export const LAMBDA_ENTRIES = ['http-api', 'projections', 'feed-indexer', 'large-transfers'] as const;

/**
 * Bundles the Lambda entry modules of `src/lambda/` ({@link LAMBDA_ENTRIES}) into `outdir` as `.mjs` files.
 *
 * @example
 * await bundleLambdas({ outdir: 'dist/lambda' });
 */
export async function bundleLambdas(options: {
  readonly outdir: string;
  readonly minify?: boolean;
}): Promise<BuildResult> {
  return build({
    absWorkingDir: EXAMPLE,
    entryPoints: LAMBDA_ENTRIES.map((name) => `src/lambda/${name}.ts`),
    outdir: options.outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    conditions: ['@dynamo-es/source'],
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_SHIM },
    sourcemap: true,
    minify: options.minify ?? true,
    keepNames: true,
    metafile: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await bundleLambdas({ outdir: 'dist/lambda' });
  for (const [file, output] of Object.entries(result.metafile?.outputs ?? {})) {
    if (file.endsWith('.mjs')) console.log(`${file}  ${(output.bytes / 1024).toFixed(0)} KB`);
  }
}
