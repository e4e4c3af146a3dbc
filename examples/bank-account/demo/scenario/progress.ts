import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';
import type { ScenarioStats } from './run-scenario.js';

/** A progress bar over the scenario's steps (drawn only on a terminal). */
export interface Progress {
  update(done: number, stats: ScenarioStats): void;
  stop(): void;
}

/**
 * A `cli-progress` bar with the live figures: commands per second, conflicts retried, refusals.
 * On anything but a terminal (CI logs) it draws nothing; the report at the end has the figures.
 */
export function createProgressBar(total: number): Progress {
  const bar = new cliProgress.SingleBar(
    {
      format:
        ' {bar} {percentage}% | {value}/{total} commands | {rate} cmd/s | {retried} conflicts retried | {refused} refused | {eta_formatted} left',
      hideCursor: true,
      etaBuffer: 500,
      fps: 5,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  const payload = (stats?: ScenarioStats, done = 0) => ({
    rate: Math.round(done / Math.max(0.001, (performance.now() - started) / 1000)),
    retried: stats?.conflictsRetried ?? 0,
    refused: stats ? [...stats.refused.values()].reduce((sum, n) => sum + n, 0) : 0,
  });
  bar.start(total, 0, payload());
  return {
    update: (done, stats) => bar.update(done, payload(stats, done)),
    stop: () => bar.stop(),
  };
}
