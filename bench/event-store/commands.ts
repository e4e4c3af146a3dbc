import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { monotonicFactory, ulid } from 'ulid';
import { meter, pool } from '../meter.js';
import type { BenchTable } from '../types.js';
import { accountId, medianOf, pairedRatio, prng, ratio, verdict } from './fixtures.js';
import { microseconds } from './microseconds.js';
import { floorSide, rotate, type Side, storeSide, withCpu } from './sides.js';

const STREAMS = 50;
const CALLERS = 8;
const COMMANDS = 700;
const TRIALS = 10;

/** `count` commands "read the head, append 1 event"; a conflict re-reads the head and retries. */
async function commands(side: Side, streams: readonly string[], count: number, seed: number) {
  const random = prng(seed);
  const picks = Array.from({ length: count }, () => streams[Math.floor(random() * streams.length)] as string);
  let conflicts = 0;
  const { ms, cpuMs } = await withCpu(() =>
    pool(count, CALLERS, async (index) => {
      const streamId = picks[index] as string;
      while (!(await side.append(streamId, await side.head(streamId), index))) conflicts++;
    }),
  );
  return { rate: count / (ms / 1000), cpuMs: cpuMs / count, conflicts };
}

/** Target 1: commands/s of head + append 1 event, 8 concurrent callers over 50 streams. */
export async function commandsTable(
  clients: { store: DynamoDBClient; floor: DynamoDBClient },
  tables: { store: string; floor: string },
): Promise<BenchTable> {
  const sides = {
    store: storeSide(clients.store, tables.store),
    floor: floorSide(clients.floor, tables.floor),
  };
  const meters = { store: meter(clients.store), floor: meter(clients.floor) };
  const streams = Array.from({ length: STREAMS }, (_, n) => accountId(n));
  for (const side of [sides.floor, sides.store]) await commands(side, streams, 200, 1); // warm-up
  for (const m of Object.values(meters)) m.reset();
  const runs = await rotate(['floor', 'store'] as const, TRIALS, (name, round) =>
    commands(sides[name], streams, COMMANDS, 100 + round),
  );
  const total = COMMANDS * TRIALS;
  const figures = (name: 'store' | 'floor') => {
    const conflicts = runs[name].reduce((sum, run) => sum + run.conflicts, 0);
    const requests = meters[name].requests();
    const parts = Object.entries(meters[name].byCommand()).map(
      ([command, n]) => `${(n / total).toFixed(3)} ${command.replace('Command', '')}`,
    );
    meters[name].remove();
    return {
      rate: medianOf(runs[name].map((run) => run.rate)),
      cpuMs: medianOf(runs[name].map((run) => run.cpuMs)),
      conflicts: conflicts / total,
      requests: requests / total,
      // Each attempt is exactly one head query and one PutItem.
      exact: requests === 2 * (total + conflicts),
      breakdown: `${(requests / total).toFixed(3)} (${parts.join(' + ')})`,
    };
  };
  const [store, floor] = [figures('store'), figures('floor')];
  const fresh = microseconds(() => ulid());
  const monotonic = monotonicFactory();
  const sameMs = microseconds(() => monotonic(1_700_000_000_000));
  return {
    title: 'Commands: head + append 1 event (target 1)',
    rows: [
      {
        target: `1. commands/s (${CALLERS} callers, ${STREAMS} streams)`,
        'dynamo-es': store.rate.toFixed(0),
        floor: floor.rate.toFixed(0),
        ratio: ratio(store.rate / floor.rate),
        'paired ratio': pairedRatio(
          runs.store.map((run) => run.rate),
          runs.floor.map((run) => run.rate),
        ),
        goal: '>= 0.95x',
        result: verdict(store.rate >= 0.95 * floor.rate),
      },
      {
        target: '1. requests per command',
        'dynamo-es': store.breakdown,
        floor: floor.breakdown,
        ratio: ratio(store.requests / floor.requests),
        goal: '2 each (+ 2 per conflict)',
        result: verdict(store.exact && floor.exact),
      },
      {
        target: '1. conflicts per command (retried)',
        'dynamo-es': store.conflicts.toFixed(3),
        floor: floor.conflicts.toFixed(3),
        ratio: '',
        goal: 'info',
        result: '',
      },
      {
        target: '1. diagnosis: client CPU ms per command',
        'dynamo-es': store.cpuMs.toFixed(2),
        floor: floor.cpuMs.toFixed(2),
        ratio: ratio(store.cpuMs / floor.cpuMs),
        'paired ratio': pairedRatio(
          runs.store.map((run) => run.cpuMs),
          runs.floor.map((run) => run.cpuMs),
        ),
        goal: 'info',
        result: '',
      },
      {
        target: '1. diagnosis: ulid() us per id, new ms / same ms',
        'dynamo-es': `${fresh.toFixed(1)} / ${sameMs.toFixed(1)}`,
        floor: 'none',
        ratio: '',
        goal: 'info',
        result: '',
      },
    ],
    notes: [
      `Same DynamoDB Local, same run; the floor has its own table (same definition). ${TRIALS} trials of ${COMMANDS} commands,`,
      'rotating which side goes first; figures are medians over trials; "ratio" is the ratio of the medians,',
      '"paired ratio" the median (and range) of the per-round ratios. Each trial: 8 concurrent callers',
      `on one client, each command on one of ${STREAMS} streams from a seeded random sequence (the same for`,
      'both sides). dynamo-es: store.streamVersion(id), then store.append(id, [event], { expectedVersion: v })',
      'on one long-lived store; floor: Query Limit 1, then PutItem attribute_not_exists(v).',
      'Client CPU: process.cpuUsage() over the trial / commands. DynamoDB Local shares the 2 cores with',
      'this process, so client CPU is taken from the server: it shows up in commands/s.',
      'ulid(): the id generator the store uses by default (new millisecond: 16 random characters).',
    ],
  };
}
