import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { declaredNames, importedNames, readmeSamples, type Sample } from './readme-samples.js';

// Every ```ts sample of the READMEs below is typechecked (strict, nodenext, against the packages'
// sources), so a README cannot show an API that does not exist or a type that does not fit, such
// as "Powertools' Logger fits" or "projectInMemory returns a Map". A sample is compiled as a module
// of its own, after the context its README leaves implicit: the package's exports, imported unless
// the sample imports them itself, and the variables the prose names (`client`, `store`), declared
// with their real types unless the sample declares them.
//
// The aggregate README's samples import the user's domain (`./bank-account.js`): it is
// `__samples__/bank-account.ts`, next to where the samples are compiled.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Context {
  /** Packages whose every export is in scope. */
  readonly packages: readonly string[];
  /** `name: type` of the variables the README's prose assumes. */
  readonly variables: Readonly<Record<string, string>>;
  /** Other names in scope, by module (`type ` in front for a type-only import). */
  readonly imports?: Readonly<Record<string, readonly string[]>>;
}

const DYNAMODB = { '@aws-sdk/client-dynamodb': ['DynamoDBClient'] };
const READMES: Readonly<Record<string, Context>> = {
  'README.md': { packages: ['@dynamo-es/event-store'], variables: {}, imports: DYNAMODB },
  'packages/event-store/README.md': {
    packages: ['@dynamo-es/event-store'],
    variables: { client: 'DynamoDBClient' },
    imports: DYNAMODB,
  },
  'packages/aggregate/README.md': {
    packages: ['@dynamo-es/aggregate', '@dynamo-es/event-store'],
    variables: { client: 'DynamoDBClient', store: 'EventStore' },
    imports: DYNAMODB,
  },
  'packages/projections/README.md': {
    packages: ['@dynamo-es/projections', '@dynamo-es/event-store'],
    // The quick start's `readModels` and `accounts` projection, which the prose uses throughout.
    variables: { client: 'DynamoDBClient', readModels: 'ReadModels', accounts: 'Projection' },
    imports: { ...DYNAMODB, 'aws-lambda': ['type DynamoDBStreamHandler'] },
  },
  'packages/sagas/README.md': {
    packages: ['@dynamo-es/sagas', '@dynamo-es/event-store'],
    // The quick start's saga and command handlers, defined in full in "A transfer with approval".
    variables: {
      eventStore: 'EventStore',
      transfer: 'Saga<EventShape, unknown, CommandShape>',
      commands: 'CommandHandlers<CommandShape>',
    },
  },
  'packages/stream-runner/README.md': { packages: ['@dynamo-es/stream-runner'], variables: {} },
  'packages/cli/README.md': { packages: ['@dynamo-es/cli'], variables: {} },
  'packages/local/README.md': { packages: ['@dynamo-es/local'], variables: {} },
  'packages/feed/README.md': { packages: ['@dynamo-es/feed'], variables: {}, imports: DYNAMODB },
  'packages/cdk/README.md': {
    packages: ['@dynamo-es/cdk'],
    variables: { stack: 'Stack', queryFunction: 'lambda.IFunction' },
    imports: { 'aws-cdk-lib': ['Stack'], 'aws-cdk-lib/aws-lambda': ['type * as lambda'] },
  },
};

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  lib: ['lib.es2024.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  customConditions: ['@dynamo-es/source'],
  strict: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
};

const exportsCache = new Map<string, string[]>();

/** The value and type names a package exports, from its entry point, by the compiler. */
function exportsOf(specifier: string): string[] {
  const cached = exportsCache.get(specifier);
  if (cached) return cached;
  const entry = ts.resolveModuleName(specifier, `${ROOT}index.ts`, OPTIONS, ts.sys).resolvedModule
    ?.resolvedFileName;
  if (!entry) throw new Error(`cannot resolve ${specifier}`);
  const program = ts.createProgram([entry], OPTIONS);
  const source = program.getSourceFile(entry);
  const symbol = source && program.getTypeChecker().getSymbolAtLocation(source);
  const names = symbol
    ? program
        .getTypeChecker()
        .getExportsOfModule(symbol)
        .map((s) => s.getName())
    : [];
  exportsCache.set(specifier, names);
  return names;
}

interface Prepared {
  readonly sample: Sample;
  readonly path: string;
  readonly text: string;
  readonly preludeLines: number;
}

function prepare(sample: Sample, context: Context, index: number): Prepared {
  const imported = importedNames(sample.code);
  const declared = declaredNames(sample.code);
  const prelude: string[] = [];
  for (const [specifier, names] of Object.entries(context.imports ?? {})) {
    for (const name of names) {
      const bare = name.replace(/^type\s+/, '').replace(/^\*\s+as\s+/, '');
      if (imported.has(bare) || declared.has(bare)) continue;
      prelude.push(
        name.includes('* as')
          ? `import ${name} from '${specifier}';`
          : `import { ${name} } from '${specifier}';`,
      );
    }
  }
  for (const specifier of context.packages) {
    const names = exportsOf(specifier).filter((name) => !imported.has(name) && !declared.has(name));
    if (names.length > 0) prelude.push(`import { ${names.join(', ')} } from '${specifier}';`);
  }
  for (const [name, type] of Object.entries(context.variables)) {
    if (!imported.has(name) && !declared.has(name)) prelude.push(`declare const ${name}: ${type};`);
  }
  // Hoisted above the prelude: a sample's own import lines stay valid module syntax.
  const head = prelude.join('\n');
  const preludeLines = head.split('\n').length;
  const slug = sample.readme.replace(/[^A-Za-z0-9]+/g, '-');
  return {
    sample,
    path: `${ROOT}test/docs/__samples__/${slug}-${index}.ts`,
    text: `${head}\n${sample.code}\nexport {};\n`,
    preludeLines,
  };
}

/** Typechecks the samples in one program; the diagnostics, pointing at README lines. */
function typecheck(prepared: readonly Prepared[]): string[] {
  const byPath = new Map(prepared.map((entry) => [entry.path, entry]));
  const host = ts.createCompilerHost(OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, ...rest) => {
    const virtual = byPath.get(fileName);
    return virtual
      ? ts.createSourceFile(fileName, virtual.text, language)
      : getSourceFile(fileName, language, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => byPath.has(fileName) || fileExists(fileName);
  const program = ts.createProgram([...byPath.keys()], OPTIONS, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const entry = diagnostic.file && byPath.get(diagnostic.file.fileName);
    if (!entry || diagnostic.start === undefined) return message;
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
    const readmeLine = entry.sample.line + line - entry.preludeLines;
    return `${entry.sample.readme}:${readmeLine}: ${message}`;
  });
}

describe('README samples', () => {
  const prepared = Object.entries(READMES).flatMap(([readme, context]) =>
    readmeSamples(ROOT, readme).map((sample, index) => prepare(sample, context, index)),
  );

  it('finds the samples of every README it covers', () => {
    for (const readme of Object.keys(READMES)) {
      expect(prepared.filter((entry) => entry.sample.readme === readme).length, readme).toBeGreaterThan(0);
    }
  });

  it('reports a sample that does not typecheck at its README line', () => {
    const wrong = prepare(
      { readme: 'WRONG.md', line: 10, code: "const ok = 1;\nconst n: number = 'x';" },
      READMES['README.md']!,
      0,
    );
    expect(typecheck([wrong])).toEqual(["WRONG.md:11: Type 'string' is not assignable to type 'number'."]);
  });

  it('typecheck, every one of them', () => {
    expect(typecheck(prepared)).toEqual([]);
  });
});
