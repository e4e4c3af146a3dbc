import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialSource } from '../smoke/credentials.js';

const SCRIPT = fileURLToPath(new URL('../smoke/smoke-aws.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'smoke-home-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

/** The environment without anything that could name AWS credentials. */
const withoutAws = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('CDK_')),
  );

describe('npm run smoke:aws', () => {
  it('says there are no credentials and exits 0, deploying nothing', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=@dynamo-es/source', '--import', 'tsx', SCRIPT],
      { cwd: ROOT, env: { ...withoutAws(), HOME: home } },
    );
    expect(stdout).toContain('smoke:aws: no AWS credentials found');
    expect(stdout).not.toContain('deploying');
  });

  it('finds credentials where the SDK chain would, without asking it', async () => {
    expect(credentialSource({}, home)).toBeUndefined();
    expect(credentialSource({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, home)).toBe(
      'AWS_ACCESS_KEY_ID',
    );
    expect(credentialSource({ AWS_ACCESS_KEY_ID: 'a' }, home)).toBeUndefined();
    expect(credentialSource({ AWS_PROFILE: 'dev' }, home)).toBe('AWS_PROFILE=dev');
    expect(credentialSource({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2' }, home)).toBe(
      'container credentials',
    );
    await mkdir(join(home, '.aws'));
    await writeFile(join(home, '.aws', 'config'), '[default]\nregion = eu-west-1\n');
    expect(credentialSource({}, home)).toBe(join(home, '.aws', 'config'));
  });
});
