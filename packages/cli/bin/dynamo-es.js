#!/usr/bin/env node
// The `dynamo-es` binary. Runs the compiled CLI from dist/ once `npm run build` made it, and otherwise
// the TypeScript sources directly (in this repository, with no build step): tsx compiles them on the
// fly and the `@dynamo-es/source` export condition makes the workspace packages resolve to their
// src/ too. DYNAMO_ES_CLI_FROM_SOURCE=1 uses the sources even when dist/ exists (the tests do).
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const dist = new URL('../dist/main.js', import.meta.url);
if (process.env.DYNAMO_ES_CLI_FROM_SOURCE === '1' || !existsSync(dist)) {
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  // Registered last so it runs first: every resolution then prefers the packages' TypeScript sources.
  register('./source-condition.js', import.meta.url);
  await import('../src/main.ts');
} else {
  await import(dist.href);
}
