import type { RebuildProgress } from '@dynamo-es/projections';
import { Presets, SingleBar } from 'cli-progress';
import type { CliIo } from '../io.js';
import { formatCount, formatRate } from './format.js';

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
 * A progress bar of a rebuild: scanned events against the events table's estimated item count,
 * events per second and the ETA. The scan reads every item of the events table, so items scanned are
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
      format: `${options.label} {bar} {percentage}% | {scanned}/{expected} events | {rate} events/s | ETA {eta_formatted}`,
      stream: io.stderr,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: options.logEveryMs ?? 5_000,
      etaBuffer: 20,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(progress) {
      // Started on the first page, so a rebuild refused at once (e.g. the version exists) draws nothing.
      if (!started) {
        started = true;
        bar.start(total, 0, { scanned: '0', expected: formatCount(options.expectedItems), rate: '-' });
      }
      if (progress.scannedItems > total) {
        total = progress.scannedItems;
        bar.setTotal(total);
      }
      bar.update(progress.scannedItems, {
        scanned: formatCount(progress.scannedItems),
        expected: `~${formatCount(total)}`,
        rate: formatRate(progress.events, progress.elapsedMs),
      });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
