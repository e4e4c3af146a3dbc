import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A ```ts block of a README, with the line it starts on (1-based, the line after the fence). */
export interface Sample {
  readonly readme: string;
  readonly line: number;
  readonly code: string;
}

/**
 * The TypeScript samples of a README: every fenced block tagged `ts` or `typescript`. A block
 * whose first line is `// not compiled: <why>` is left out (say why in the README itself).
 *
 * @example
 * const samples = readmeSamples(root, 'packages/event-store/README.md');
 */
export function readmeSamples(root: string, readme: string): Sample[] {
  const lines = readFileSync(join(root, readme), 'utf8').split('\n');
  const samples: Sample[] = [];
  let start: number | undefined;
  for (const [index, line] of lines.entries()) {
    if (start === undefined && /^```(ts|typescript)\s*$/.test(line)) start = index + 1;
    else if (start !== undefined && /^```\s*$/.test(line)) {
      const code = lines.slice(start, index).join('\n');
      if (!code.startsWith('// not compiled:')) samples.push({ readme, line: start + 1, code });
      start = undefined;
    }
  }
  return samples;
}

/** Names a sample imports itself, so the test does not import them a second time. */
export function importedNames(code: string): Set<string> {
  const names = new Set<string>();
  for (const match of code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from/g)) {
    for (const part of (match[1] ?? '').split(',')) {
      const name = part
        .replace(/^\s*type\s+/, '')
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name) names.add(name);
    }
  }
  for (const match of code.matchAll(/import\s+(?:type\s+)?(?:\*\s+as\s+)?([A-Za-z_$][\w$]*)\s+from/g)) {
    if (match[1]) names.add(match[1]);
  }
  return names;
}

/** Names a sample declares at its top level (const, let, class, function, type, interface). */
export function declaredNames(code: string): Set<string> {
  const names = new Set<string>();
  for (const match of code.matchAll(
    /^(?:export\s+)?(?:declare\s+)?(?:const|let|var|class|function|type|interface|enum)\s+([A-Za-z_$][\w$]*)/gm,
  )) {
    if (match[1]) names.add(match[1]);
  }
  return names;
}
