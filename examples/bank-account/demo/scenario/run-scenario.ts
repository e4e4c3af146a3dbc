import { performance } from 'node:perf_hooks';
import type { HttpRequest } from '../../src/http/api-event.js';
import { apiGatewayEvent } from '../../src/http/api-event.js';
import type { HttpApiHandler } from '../../src/http/http-api-handler.js';
import type { ScenarioOptions } from './options.js';
import { Random } from './random.js';
import { type Step, type StepKind, Workload } from './workload.js';

/** What the scenario did, as counted from the HTTP answers. */
export interface ScenarioStats {
  opened: number;
  /** Steps run after opening (a drain-and-close step is one command of two requests). */
  commands: number;
  requests: number;
  readonly byKind: Record<StepKind, number>;
  succeeded: number;
  /** Answers with `replayed: true`: a request id already applied, nothing written. */
  replayed: number;
  /** Refusals by error code (rules of the bank, 4xx). */
  readonly refused: Map<string, number>;
  /** Attempts beyond the first: commands that lost a race, read what changed and decided again. */
  conflictsRetried: number;
  transferConflictsRetried: number;
  /** Commands that lost every race (409 `CONCURRENCY_CONFLICT`). */
  gaveUp: number;
  /** 5xx answers: always a failure of the run. */
  errors: number;
  readonly errorSamples: string[];
  /** Requests sent again with their request id, and those not recognised as already applied. */
  resent: number;
  idempotencyFailures: number;
  openMs: number;
  commandMs: number;
  /** The large transfers the bank accepted for approval (202), and what the workload decided for them. */
  largeTransfers: readonly string[];
  decisions: ReadonlyMap<string, 'approve' | 'reject' | 'none'>;
}

/** Called after every step: steps done so far, of `total`. */
export type ProgressListener = (done: number, total: number, stats: ScenarioStats) => void;

/**
 * Runs the scenario through the HTTP API handler (exactly what API Gateway would invoke): opens
 * `accounts` accounts, then runs `commands` random commands, `concurrency` at a time.
 */
export async function runScenario(
  handler: HttpApiHandler,
  options: ScenarioOptions & { readonly runId: string },
  onProgress: ProgressListener = () => {},
): Promise<ScenarioStats> {
  const stats = emptyStats();
  const workload = new Workload(new Random(options.seed), options.runId);
  const total = options.accounts + options.commands;
  let done = 0;
  const run = async (step: Step) => {
    await runStep(handler, workload, step, stats);
    onProgress(++done, total, stats);
  };
  let started = performance.now();
  await inParallel(options.accounts, options.concurrency, (index) => run(workload.open(index)));
  stats.openMs = performance.now() - started;
  started = performance.now();
  await inParallel(options.commands, options.concurrency, () => run(workload.next()));
  stats.commandMs = performance.now() - started;
  stats.largeTransfers = workload.requested;
  stats.decisions = workload.decisions;
  return stats;
}

async function runStep(handler: HttpApiHandler, workload: Workload, step: Step, stats: ScenarioStats) {
  if (step.kind === 'open') stats.opened++;
  else {
    stats.commands++;
    stats.byKind[step.kind]++;
  }
  if (step.concurrent) {
    const answers = await Promise.all(
      step.requests.map((request) => send(handler, request, step, workload, stats)),
    );
    // The same request twice at once: both must get the same answer, and it is applied once (checked in the store).
    if (answers[0]?.status !== answers[1]?.status) stats.idempotencyFailures++;
    return;
  }
  for (const request of step.requests) {
    const answer = await send(handler, request, step, workload, stats);
    if (step.kind === 'resend') {
      stats.resent++;
      if (!(answer.status < 300 && answer.body.replayed === true)) stats.idempotencyFailures++;
    }
    if (answer.status >= 300) return;
  }
}

async function send(
  handler: HttpApiHandler,
  request: HttpRequest,
  step: Step,
  workload: Workload,
  stats: ScenarioStats,
) {
  stats.requests++;
  const result = await handler(apiGatewayEvent(request));
  const status = result.statusCode ?? 200;
  const body = JSON.parse(result.body ?? '{}') as Record<string, unknown>;
  if (status < 300) {
    stats.succeeded++;
    if (body.replayed === true) stats.replayed++;
    const retried = typeof body.attempts === 'number' ? body.attempts - 1 : 0;
    stats.conflictsRetried += retried;
    if (request.url === '/transfers') stats.transferConflictsRetried += retried;
    workload.record(request, body);
    return { status, body };
  }
  const code = String((body.error as { code?: unknown } | undefined)?.code ?? status);
  if (status >= 500) {
    stats.errors++;
    if (stats.errorSamples.length < 5) stats.errorSamples.push(`${step.kind}: ${status} ${result.body}`);
  } else if (code === 'CONCURRENCY_CONFLICT') stats.gaveUp++;
  else stats.refused.set(code, (stats.refused.get(code) ?? 0) + 1);
  return { status, body };
}

/** Runs `task(0)` … `task(count - 1)`, at most `concurrency` at a time. */
async function inParallel(count: number, concurrency: number, task: (index: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

function emptyStats(): ScenarioStats {
  return {
    opened: 0,
    commands: 0,
    requests: 0,
    byKind: {
      open: 0,
      deposit: 0,
      withdraw: 0,
      transfer: 0,
      'large-transfer': 0,
      decide: 0,
      close: 0,
      resend: 0,
      'double-send': 0,
    },
    succeeded: 0,
    replayed: 0,
    refused: new Map(),
    conflictsRetried: 0,
    transferConflictsRetried: 0,
    gaveUp: 0,
    errors: 0,
    errorSamples: [],
    resent: 0,
    idempotencyFailures: 0,
    openMs: 0,
    commandMs: 0,
    largeTransfers: [],
    decisions: new Map(),
  };
}
