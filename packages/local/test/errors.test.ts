import { describe, expect, it } from 'vitest';
import {
  DynamoDBLocalError,
  DynamoDBLocalExitedError,
  isDynamoDBLocalError,
  isDynamoDBLocalExitedError,
  isJavaNotFoundError,
  JavaNotFoundError,
} from '../src/index.js';

describe('errors', () => {
  it('sets name, code and cause', () => {
    const cause = new Error('spawnSync java ENOENT');
    const error = new JavaNotFoundError({ command: 'java' }, { cause });
    expect(error).toBeInstanceOf(DynamoDBLocalError);
    expect(error).toMatchObject({
      name: 'JavaNotFoundError',
      code: 'JAVA_NOT_FOUND',
      command: 'java',
      cause,
    });
  });

  it('guards by code, so errors from a duplicated install are recognised', () => {
    const foreign = Object.assign(new Error('from another copy'), { code: 'JAVA_NOT_FOUND' });
    expect(isJavaNotFoundError(foreign)).toBe(true);
    expect(isDynamoDBLocalError(foreign)).toBe(true);
    expect(isDynamoDBLocalExitedError(foreign)).toBe(false);
  });

  it('rejects values that are not errors of this package', () => {
    for (const value of [undefined, null, 'JAVA_NOT_FOUND', new Error('x'), { code: 'ENOENT' }]) {
      expect(isDynamoDBLocalError(value)).toBe(false);
    }
  });

  it('describes how the process ended', () => {
    const error = new DynamoDBLocalExitedError({
      exitCode: 1,
      signal: null,
      stderr: 'boom',
      summary: 'boom',
    });
    expect(error.message).toBe('DynamoDB Local exited during startup (code 1): boom');
  });
});
