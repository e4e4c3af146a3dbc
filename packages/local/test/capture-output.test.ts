import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { captureOutput, summariseJavaOutput } from '../src/capture-output.js';

describe('captureOutput', () => {
  it('keeps only the tail of a long output', async () => {
    const stream = new PassThrough();
    const output = captureOutput(stream, 5);
    stream.write('hello ');
    stream.write('world');
    await new Promise((resolve) => setImmediate(resolve));
    expect(output()).toBe('world');
  });
});

describe('summariseJavaOutput', () => {
  it('keeps exception messages and drops stack frames', () => {
    const stderr = [
      'Exception in thread "main" java.io.IOException: Failed to bind to 0.0.0.0/0.0.0.0:8000',
      '\tat org.eclipse.jetty.server.ServerConnector.openAcceptChannel(ServerConnector.java:349)',
      'Caused by: java.net.BindException: Address already in use',
      '\tat java.base/sun.nio.ch.Net.bind0(Native Method)',
      '\t... 16 more',
    ].join('\n');
    expect(summariseJavaOutput(stderr)).toBe(
      'Exception in thread "main" java.io.IOException: Failed to bind to 0.0.0.0/0.0.0.0:8000 | ' +
        'Caused by: java.net.BindException: Address already in use',
    );
  });
});
