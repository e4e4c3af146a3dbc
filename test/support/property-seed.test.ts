import { afterEach, describe, expect, it, vi } from 'vitest';
import { propertySeed } from './property-seed.js';

describe('propertySeed', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('takes DYNAMO_ES_SEED when set, and says how to replay it', () => {
    vi.stubEnv('DYNAMO_ES_SEED', '12345');
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    expect(propertySeed('replayed')).toBe(12345);
    expect(info).toHaveBeenCalledWith(
      '[seed] replayed: 12345 (replay: DYNAMO_ES_SEED=12345 npx vitest run test/support/property-seed.test.ts)',
    );
  });

  it('draws a new seed per name without it, and keeps it for the file (logged once)', () => {
    vi.stubEnv('DYNAMO_ES_SEED', '');
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const seeds = Array.from({ length: 8 }, (_, index) => propertySeed(`random ${index}`));
    for (const seed of seeds) expect(Number.isSafeInteger(seed) && seed >= 0 && seed < 2 ** 31).toBe(true);
    expect(new Set(seeds).size).toBeGreaterThan(1);
    expect(propertySeed('random 0')).toBe(seeds[0]);
    expect(info).toHaveBeenCalledTimes(8);
  });

  it('refuses a DYNAMO_ES_SEED that is not a non-negative integer', () => {
    for (const bad of ['abc', '1.5', '-3']) {
      vi.stubEnv('DYNAMO_ES_SEED', bad);
      expect(() => propertySeed(`bad ${bad}`)).toThrow(/DYNAMO_ES_SEED must be a non-negative integer/);
    }
  });
});
