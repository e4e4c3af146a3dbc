import { afterEach, describe, expect, it, vi } from 'vitest';
import { assertLocalEndpoint, isInvalidEndpointError, isNonLocalEndpointError } from '../src/index.js';

const catchError = (run: () => void): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('assertLocalEndpoint', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each([
    'http://localhost:8000',
    'http://LOCALHOST:8000',
    'http://127.0.0.1:8000',
    'http://127.1.2.3:8000',
    'https://127.0.0.1',
    'http://[::1]:8000',
  ])('accepts %s', (endpoint) => {
    expect(() => assertLocalEndpoint(endpoint)).not.toThrow();
  });

  it.each([
    'https://dynamodb.us-east-1.amazonaws.com',
    'http://10.0.0.5:8000',
    'http://128.0.0.1:8000',
    'http://localhost.example.com:8000',
    'http://127.0.0.1.nip.io:8000',
    'http://[::2]:8000',
  ])('refuses %s', (endpoint) => {
    const error = catchError(() => assertLocalEndpoint(endpoint));
    expect(isNonLocalEndpointError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'NonLocalEndpointError', endpoint });
    expect((error as Error).message).toContain('DYNAMO_ES_ALLOW_REMOTE_TESTS=1');
  });

  it.each(['not a url', 'localhost:8000', ''])('reports %j as an invalid endpoint', (endpoint) => {
    expect(isInvalidEndpointError(catchError(() => assertLocalEndpoint(endpoint)))).toBe(true);
  });

  it('allows a remote endpoint when DYNAMO_ES_ALLOW_REMOTE_TESTS=1', () => {
    vi.stubEnv('DYNAMO_ES_ALLOW_REMOTE_TESTS', '1');
    expect(() => assertLocalEndpoint('https://dynamodb.us-east-1.amazonaws.com')).not.toThrow();
  });

  it('ignores other values of DYNAMO_ES_ALLOW_REMOTE_TESTS', () => {
    vi.stubEnv('DYNAMO_ES_ALLOW_REMOTE_TESTS', 'true');
    expect(() => assertLocalEndpoint('https://dynamodb.us-east-1.amazonaws.com')).toThrow();
  });
});
