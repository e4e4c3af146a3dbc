import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  checkJava,
  isJavaNotFoundError,
  isJavaTooOldError,
  JavaNotFoundError,
  JavaTooOldError,
  startDynamoDBLocal,
} from '../src/index.js';

const catchError = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

const INSTALL_HINTS = [
  'apt-get install -y default-jre-headless',
  'brew install openjdk@17',
  'DYNAMODB_ENDPOINT',
];

describe('checkJava', () => {
  let directory: string;

  /** Writes an executable that prints `stderr` like `java -version` does. */
  const fakeJava = async (name: string, stderr: string): Promise<string> => {
    const path = join(directory, name);
    await writeFile(path, `#!/bin/sh\necho '${stderr}' >&2\n`);
    await chmod(path, 0o755);
    return path;
  };

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'dynamo-es-java-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('returns the version of the installed Java', () => {
    expect(checkJava().major).toBeGreaterThanOrEqual(17);
  });

  it('reports a missing java binary with install instructions', () => {
    const error = catchError(() => checkJava({ javaCommand: join(directory, 'no-such-java') }));
    expect(error).toBeInstanceOf(JavaNotFoundError);
    expect(isJavaNotFoundError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'JavaNotFoundError', code: 'JAVA_NOT_FOUND' });
    for (const hint of INSTALL_HINTS) expect((error as Error).message).toContain(hint);
    expect((error as Error).cause).toBeDefined();
  });

  it('rejects Java 8 with the version found', async () => {
    const javaCommand = await fakeJava('java8', 'java version "1.8.0_292"');
    const error = catchError(() => checkJava({ javaCommand }));
    expect(error).toBeInstanceOf(JavaTooOldError);
    expect(isJavaTooOldError(error)).toBe(true);
    expect(error).toMatchObject({ foundVersion: '1.8.0_292', foundMajor: 8, minimumMajor: 17 });
    for (const hint of INSTALL_HINTS) expect((error as Error).message).toContain(hint);
  });

  it('accepts Java 21', async () => {
    const javaCommand = await fakeJava('java21', 'openjdk version "21.0.2" 2024-01-16');
    expect(checkJava({ javaCommand })).toEqual({ version: '21.0.2', major: 21 });
  });

  it('treats output without a version as Java not found', async () => {
    const javaCommand = await fakeJava('not-java', 'hello');
    expect(() => checkJava({ javaCommand })).toThrow(JavaNotFoundError);
  });

  it('makes startDynamoDBLocal fail before spawning when java is not on the PATH', async () => {
    vi.stubEnv('PATH', '');
    await expect(startDynamoDBLocal()).rejects.toSatisfy(isJavaNotFoundError);
  });
});
