import { describe, expect, it } from 'vitest';
import { testEndpoint } from '../support/dynamodb.js';
import { propertySeed } from '../support/property-seed.js';
import { runScript } from './support/worker-process.js';

// Scenario 6, short: runs `bench/soak.ts` (what `npm run soak` runs) for a few seconds against the
// test run's DynamoDB Local, as its own process, and checks its verdict and figures.

const SECONDS = 10;
const SOAK = { seconds: SECONDS, writers: 16, hot: 2, cold: 300, seed: propertySeed('soak') };

describe('soak (short)', () => {
  it(`runs ${SECONDS} s of contended commands and projections with nothing lost, duplicated or wrong`, async () => {
    const soak = runScript('bench/soak.ts', {
      args: Object.entries(SOAK).flatMap(([name, value]) => [`--${name}`, String(value)]),
      env: { DYNAMODB_ENDPOINT: testEndpoint() },
    });
    const line = await soak.waitForLine('SOAK_RESULT', 120_000).catch(async (error: unknown) => {
      soak.child.kill('SIGKILL');
      throw error;
    });
    const code = await soak.exited;
    const result = JSON.parse(line.slice('SOAK_RESULT '.length)) as {
      ok: boolean;
      commands: number;
      failedCommands: number;
      conflictsRetried: number;
      memoryMb: { heapStart: number; heapEnd: number; heapGrowthBound: number };
    };
    expect(code, soak.output()).toBe(0);
    expect(result.ok).toBe(true);
    expect(result.commands).toBeGreaterThan(20);
    expect(result.conflictsRetried).toBeGreaterThan(0);
    expect(result.memoryMb.heapEnd - result.memoryMb.heapStart).toBeLessThan(result.memoryMb.heapGrowthBound);
  }, 150_000);
});
