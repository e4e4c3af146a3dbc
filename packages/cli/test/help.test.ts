import { describe, expect, it } from 'vitest';
import { lines, runCli } from './support/cli.js';

const COMMANDS = [
  [],
  ['stream'],
  ['tables'],
  ['tables', 'create'],
  ['tables', 'describe'],
  ['projections'],
  ['projections', 'status'],
  ['projections', 'rebuild'],
  ['projections', 'switch'],
  ['projections', 'versions'],
  ['projections', 'versions', 'delete'],
  ['dead-letters'],
  ['dead-letters', 'list'],
  ['dead-letters', 'replay'],
  ['feed'],
  ['feed', 'validate'],
  ['feed', 'rebuild'],
];

describe('dynamo-es --help', () => {
  it('documents every command on standard output, with exit code 0', async () => {
    const results = await Promise.all(COMMANDS.map((command) => runCli([...command, '--help'])));
    results.forEach((result, index) => {
      const command = (COMMANDS[index] ?? []).join(' ');
      expect(result.code, command).toBe(0);
      expect(result.stderr, command).toBe('');
      expect(lines(result.stdout)[0], command).toMatch(
        new RegExp(`^Usage: dynamo-es${command ? ` ${command}` : ''} `),
      );
    });
    const groups = new Set(['tables', 'projections', 'dead-letters', 'projections versions', 'feed']);
    const leaves = results.filter((_, index) => {
      const command = COMMANDS[index] ?? [];
      return command.length > 0 && !groups.has(command.join(' '));
    });
    for (const leaf of leaves) {
      expect(leaf.stdout).toContain('--endpoint <url>');
      expect(leaf.stdout).toContain('Example');
    }
  });

  it('prints the version', async () => {
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('rejects an unknown command with exit code 2 and a suggestion', async () => {
    const { code, stderr } = await runCli(['projection', 'status']);
    expect(code).toBe(2);
    expect(lines(stderr)).toEqual(["error: unknown command 'projection'", '(Did you mean projections?)']);
  });
});
