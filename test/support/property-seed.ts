import { randomInt } from 'node:crypto';
import { relative } from 'node:path';
import { expect } from 'vitest';

/** The environment variable that replays a run: every property and seeded scenario takes its seed. */
export const SEED_VARIABLE = 'DYNAMO_ES_SEED';

const chosen = new Map<string, number>();

/**
 * The seed of a property test or a seeded scenario: `DYNAMO_ES_SEED` when set (to replay a failure),
 * else a new random one each run, so that CI explores instead of repeating one case. Logs it, once per
 * name and test file, with the command that replays it.
 *
 * @example
 * ```ts
 * await fc.assert(property, { seed: propertySeed('append round-trip'), numRuns: 100 });
 * const random = seededRandom(propertySeed('fault schedule'));
 * ```
 */
export function propertySeed(name: string): number {
  const known = chosen.get(name);
  if (known !== undefined) return known;
  const seed = seedFromEnvironment() ?? randomInt(2 ** 31);
  chosen.set(name, seed);
  const file = relative(process.cwd(), expect.getState().testPath ?? '<test file>');
  console.info(`[seed] ${name}: ${seed} (replay: ${SEED_VARIABLE}=${seed} npx vitest run ${file})`);
  return seed;
}

function seedFromEnvironment(): number | undefined {
  const raw = process.env[SEED_VARIABLE];
  if (raw === undefined || raw.trim() === '') return undefined;
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new Error(`${SEED_VARIABLE} must be a non-negative integer, not ${JSON.stringify(raw)}`);
  }
  return seed;
}
