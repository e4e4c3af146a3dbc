import { medianOf } from './fixtures.js';

/**
 * Median CPU microseconds (user + system, from process.cpuUsage) per call of `work`, over 7
 * batches of at least 30 ms after a warm-up. CPU time rather than wall time: the machine is
 * shared with DynamoDB Local, and a preempted batch would otherwise count the other process.
 */
export function microseconds(work: () => unknown): number {
  for (let i = 0; i < 10; i++) work();
  const samples: number[] = [];
  for (let batch = 0; batch < 7; batch++) {
    let calls = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    do {
      work();
      calls++;
    } while (performance.now() - started < 30);
    const used = process.cpuUsage(cpu);
    samples.push((used.user + used.system) / calls);
  }
  return medianOf(samples);
}
