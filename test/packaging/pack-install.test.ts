import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEndpoint } from '../support/dynamodb.js';
import { entryPoints, type PublishedPackage, publishedPackages } from './workspace-packages.js';

// What a team adding dynamo-es to an existing app gets: every published package packed (`npm
// pack`), installed from the tarballs into a fresh project that already has an older SDK, the
// README quick starts compiled with strict TypeScript (nodenext, and the older resolvers) and run
// against DynamoDB Local, with Powertools' Logger, Metrics and Tracer passed in as they are.

/** The oldest `@aws-sdk/*` version the peer ranges admit, and so the one tested here. */
const OLDEST_SUPPORTED_SDK = '3.600.0';
const POWERTOOLS = '2.36.0';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixture/', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const packages = publishedPackages(ROOT);
const timings: Record<string, number> = {};
let project: string;
/** Build outputs this test made (not there before it), removed again so that nothing runs a stale build later. */
const madeByTest: string[] = [];

async function timed<T>(step: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    timings[step] = Math.round(performance.now() - started);
  }
}

async function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  try {
    return await exec(command, args, {
      cwd,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

const tsconfig = (moduleResolution: string, module: string, skipLibCheck: boolean) => ({
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023'],
    module,
    moduleResolution,
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck,
    types: ['node'],
    outDir: 'dist',
  },
  files: ['quick-start.ts'],
});

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'dynamo-es-pack-'));
  for (const pkg of packages) {
    for (const output of ['dist', 'tsconfig.tsbuildinfo']) {
      if (!existsSync(join(ROOT, pkg.dir, output))) madeByTest.push(join(ROOT, pkg.dir, output));
    }
  }
  await timed('build', () => run(process.execPath, [TSC, '-b', 'tsconfig.build.json'], ROOT));
  for (const pkg of packages) {
    const main = join(ROOT, pkg.dir, String(pkg.manifest.main ?? 'dist/index.js'));
    if (!existsSync(main)) {
      throw new Error(
        `${pkg.name} has no ${pkg.manifest.main} after the build: add ${pkg.dir} to tsconfig.build.json`,
      );
    }
  }
  const workspaces = packages.flatMap((pkg) => ['--workspace', pkg.dir]);
  const packed = await timed('pack', () =>
    run('npm', ['pack', ...workspaces, '--pack-destination', project, '--json'], ROOT),
  );
  const tarballs = JSON.parse(packed.stdout) as { name: string; filename: string }[];
  // The CLI's binary runs dist/ when there is one: leave the tree as the test found it.
  await Promise.all(madeByTest.map((output) => rm(output, { recursive: true, force: true })));
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify(
      {
        name: 'existing-serverless-app',
        private: true,
        type: 'module',
        dependencies: {
          '@aws-sdk/client-dynamodb': OLDEST_SUPPORTED_SDK,
          '@aws-sdk/client-dynamodb-streams': OLDEST_SUPPORTED_SDK,
          '@aws-lambda-powertools/logger': POWERTOOLS,
          '@aws-lambda-powertools/metrics': POWERTOOLS,
          '@aws-lambda-powertools/tracer': POWERTOOLS,
          ...Object.fromEntries(tarballs.map((tarball) => [tarball.name, `file:./${tarball.filename}`])),
        },
        devDependencies: { '@types/node': '^20', 'aws-cdk-lib': '2.276.0', constructs: '^10.0.0' },
      },
      null,
      2,
    ),
  );
  await timed('install', () =>
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], project),
  );
  await cp(join(FIXTURE, 'quick-start.ts'), join(project, 'quick-start.ts'));
  await cp(join(FIXTURE, 'check.mjs'), join(project, 'check.mjs'));
}, 900_000);

afterAll(async () => {
  console.log(`[pack-install] ${packages.length} packages, timings (ms): ${JSON.stringify(timings)}`);
  if (project && !process.env.KEEP_PACK_PROJECT) await rm(project, { recursive: true, force: true });
});

/** Every copy of a package installed in the project, with its version. */
function installedCopies(name: string): string[] {
  const copies: string[] = [];
  const visit = (nodeModules: string, depth: number) => {
    if (depth > 6 || !existsSync(nodeModules)) return;
    const manifest = join(nodeModules, name, 'package.json');
    if (existsSync(manifest)) copies.push(JSON.parse(readFileSync(manifest, 'utf8')).version as string);
    for (const entry of readdirSync(nodeModules)) {
      const scoped = entry.startsWith('@')
        ? readdirSync(join(nodeModules, entry)).map((n) => `${entry}/${n}`)
        : [entry];
      for (const dir of scoped) visit(join(nodeModules, dir, 'node_modules'), depth + 1);
    }
  };
  visit(join(project, 'node_modules'), 0);
  return copies;
}

describe('the packed packages in an existing app on an older SDK', () => {
  it('are every published workspace package, each with its LICENSE, types and metadata', () => {
    expect(packages.map((pkg) => pkg.name)).toEqual(
      expect.arrayContaining(['@dynamo-es/event-store', '@dynamo-es/cdk']),
    );
    for (const pkg of packages) {
      const installed = join(project, 'node_modules', pkg.name);
      expect(existsSync(join(installed, 'LICENSE')), `${pkg.name} LICENSE`).toBe(true);
      expect(existsSync(join(installed, String(pkg.manifest.types))), `${pkg.name} types`).toBe(true);
      for (const field of ['description', 'keywords', 'repository', 'license', 'main', 'types']) {
        expect(pkg.manifest[field], `${pkg.name} ${field}`).toBeDefined();
      }
    }
  });

  it('share the one @aws-sdk/* copy of the app: the SDK is a peer dependency', () => {
    expect(installedCopies('@aws-sdk/client-dynamodb')).toEqual([OLDEST_SUPPORTED_SDK]);
    expect(installedCopies('@aws-sdk/client-dynamodb-streams')).toEqual([OLDEST_SUPPORTED_SDK]);
  });

  it('do not install tsx or esbuild for the CLI', () => {
    expect(installedCopies('tsx')).toEqual([]);
    expect(installedCopies('esbuild')).toEqual([]);
  });

  it.each([
    ['nodenext', 'nodenext', false],
    ['bundler', 'esnext', true],
    ['node10', 'esnext', true],
  ] as const)(
    'compile the quick starts with strict TypeScript, moduleResolution %s',
    async (resolution, module, skipLibCheck) => {
      const config = `tsconfig.${resolution}.json`;
      await writeFile(
        join(project, config),
        JSON.stringify(tsconfig(resolution, module, skipLibCheck), null, 2),
      );
      await timed(`tsc ${resolution}`, () =>
        run(
          process.execPath,
          [TSC, '-p', config, ...(resolution === 'nodenext' ? [] : ['--noEmit'])],
          project,
        ),
      );
    },
  );

  it('run the compiled quick starts against DynamoDB Local, with Powertools passed in', async () => {
    const { stdout } = await timed('run', () =>
      run(process.execPath, ['dist/quick-start.js'], project, { DYNAMODB_ENDPOINT: testEndpoint() }),
    );
    expect(stdout).toContain('READ_MODEL [["account-1",{"owner":"Ada","balance":505}]]');
    expect(stdout).toContain('VERSION 3');
    expect(stdout).toMatch(/CDK_RESOURCES \d+/);
    const lines = stdout.split('\n').filter((line) => line.startsWith('{'));
    const emf = lines.map((line) => JSON.parse(line)).filter((line) => '_aws' in line);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ EventsAppended: [1, 1, 1], AppendConflicts: 1 });
    const conflict = lines
      .map((line) => JSON.parse(line))
      .find((line) => line.message === 'dynamo-es: append conflict');
    expect(conflict).toMatchObject({ function_request_id: 'pack-request-1', streamId: 'account-1' });
    const table = /TABLE (\S+)/.exec(stdout)?.[1];
    const cli = await run(
      'npx',
      ['dynamo-es', 'stream', 'account-1', '--events-table', String(table), '--json'],
      project,
      {
        DYNAMO_ES_ENDPOINT: testEndpoint(),
      },
    );
    expect(cli.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('say how to load a TypeScript projections module when no loader is installed', async () => {
    const env = { DYNAMO_ES_ENDPOINT: testEndpoint() };
    const events = `pack-ts-${Date.now().toString(36)}`;
    const tables = ['--events-table', events];
    await run('npx', ['dynamo-es', 'tables', 'create', 'events', 'read-models', ...tables], project, env);
    await writeFile(join(project, 'projections.ts'), 'export const projections: unknown[] = [];\n');
    const rebuild = run(
      'npx',
      ['dynamo-es', 'projections', 'rebuild', 'accounts', '--projections', 'projections.ts', ...tables],
      project,
      env,
    );
    // Node 23+ strips types itself: the module loads, and has no projection "accounts".
    const nativeTypeScript = Boolean((process.features as { typescript?: unknown }).typescript);
    await expect(rebuild).rejects.toThrow(
      nativeTypeScript ? /accounts/ : /no TypeScript loader is installed: `npm install --save-dev tsx`/,
    );
  });

  it('load from plain JavaScript, every entry point', async () => {
    const entries = packages.flatMap((pkg: PublishedPackage) => entryPoints(pkg));
    const { stdout } = await run(process.execPath, ['check.mjs', ...entries], project);
    for (const entry of entries) expect(stdout).toContain(`LOADED ${entry} `);
  });
});
