import { describe, expect, it } from 'vitest';
import { DEFAULTS, OptionsError, parseOptions } from '../demo/scenario/options.js';

describe('options of npm start', () => {
  it('takes flags, then environment variables, then defaults', () => {
    expect(parseOptions([], {})).toEqual(DEFAULTS);
    expect(
      parseOptions(['--accounts', '10', '--commands=1_000', '--serve', '--port', '0'], {
        BANK_CONCURRENCY: '4',
      }),
    ).toEqual({
      ...DEFAULTS,
      accounts: 10,
      commands: 1000,
      concurrency: 4,
      serve: true,
      port: 0,
    });
    expect(parseOptions(['--accounts', '5'], { BANK_ACCOUNTS: '7', BANK_SERVE: 'true' })).toMatchObject({
      accounts: 5,
      serve: true,
    });
    expect(parseOptions(['--help'], {})).toBeUndefined();
  });

  it('refuses unknown flags and bad numbers with a message naming them', () => {
    expect(() => parseOptions(['--acounts', '5'], {})).toThrow(OptionsError);
    expect(() => parseOptions(['--commands=-1'], {})).toThrow(/--commands must be a whole number/);
    expect(() => parseOptions(['--concurrency', '0'], {})).toThrow(/--concurrency/);
    expect(() => parseOptions(['--port', '1e3'], {})).toThrow(/--port/);
    expect(() => parseOptions([], { BANK_ACCOUNTS: 'many' })).toThrow(/--accounts/);
    expect(() => parseOptions(['--accounts', '1', '--commands', '5'], {})).toThrow(/at least 2/);
  });
});
