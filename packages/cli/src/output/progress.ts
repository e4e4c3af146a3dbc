import type { RebuildProgress } from '@dynamo-es/projections';
import { Presets, SingleBar } from 'cli-progress';
import type { CliIo } from '../io.js';
import { formatCount, formatDuration, formatRate } from './format.js';

/** Shows a rebuild's progress on standard error. */
export interface RebuildProgressBar {
  update(progress: RebuildProgress): void;
  stop(): void;
}

/** What the bar needs to know up front. */
export interface ProgressBarOptions {
  /** e.g. `accounts v2`. */
  readonly label: string;
  /** Items expected in the events table (DynamoDB's estimate; 0 when unknown). */
  readonly expectedItems: number;
  /** On a terminal: a live bar. Elsewhere (CI logs): a line every `logEveryMs`. */
  readonly logEveryMs?: number;
}

const noProgress: RebuildProgressBar = { update: () => {}, stop: () => {} };

/**
 * The time left: the items not scanned yet at this run's own rate. (`cli-progress` would estimate it
 * from its last few updates, which swing with DynamoDB's page sizes.)
 */
export function timeLeft(done: number, total: number, progress: RebuildProgress): string {
  if (progress.scannedItems === 0 || progress.elapsedMs <= 0) return '-';
  const rate = progress.scannedItems / progress.elapsedMs;
  return formatDuration(Math.max(0, total - done) / rate);
}

/**
 * A progress bar of a rebuild, updated after every applied batch of events: items scanned (those of
 * earlier runs of a resumed rebuild included) against the events table's estimated item count,
 * events per second and the time left. The scan reads every item of the events table, so items are
 * the measure of progress; the count is DynamoDB's estimate (refreshed every few hours on AWS), so
 * the total grows if the scan passes it.
 */
export function createRebuildProgressBar(
  io: CliIo,
  options: ProgressBarOptions | undefined,
): RebuildProgressBar {
  if (!options) return noProgress;
  let total = Math.max(1, options.expectedItems);
  const bar = new SingleBar(
    {
      format: `${options.label} {bar} {percentage}% | {scanned}/{expected} events | {rate} events/s | ETA {left}`,
      stream: io.stderr,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: options.logEveryMs ?? 5_000,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(progress) {
      const done = progress.eventsBefore + progress.scannedItems;
      // Started on the first batch, so a rebuild refused at once (e.g. the version exists) draws nothing.
      if (!started) {
        started = true;
        bar.start(total, 0, {
          scanned: '0',
          expected: formatCount(options.expectedItems),
          rate: '-',
          left: '-',
        });
      }
      if (done > total) {
        total = done;
        bar.setTotal(total);
      }
      bar.update(done, {
        scanned: formatCount(done),
        expected: `~${formatCount(total)}`,
        rate: formatRate(progress.events, progress.elapsedMs),
        left: timeLeft(done, total, progress),
      });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
