import { performance } from 'node:perf_hooks';
import { summarise, type LatencySummary } from './latency';

export interface LoadOptions {
  /** Workers, each with one operation in flight at a time (a closed loop). */
  concurrency: number;
  /** No worker starts an operation after this long. */
  durationMs: number;
  /** No worker starts an operation once this many have been started in total. */
  maxOperations?: number;
  /**
   * An operation still running after this long counts as an error and its worker moves
   * on, so one hung request cannot stretch the run past `durationMs + timeoutMs`.
   */
  timeoutMs?: number;
}

/** Raw outcome of one run; several runs of the same side can be combined before summarising. */
export interface LoadRun {
  latenciesMs: number[];
  errors: number;
  elapsedMs: number;
  /**
   * CPU time this process spent during the run (user + system, every thread). For the
   * gateway that includes the in-process HTTP client; the store's CPU is not in it.
   */
  cpuMs: number;
  /** The first error's message, so a failing run says why. */
  firstError: string | null;
}

export interface LoadResult extends LatencySummary {
  elapsedMs: number;
  /** This process's CPU time per successful operation. */
  cpuMsPerOp: number;
  firstError: string | null;
}

/** Throughput over the runs' summed wall time, percentiles over all their samples. */
export function combine(runs: readonly LoadRun[]): LoadResult {
  const latencies = runs.flatMap((r) => r.latenciesMs);
  const errors = runs.reduce((n, r) => n + r.errors, 0);
  const elapsedMs = runs.reduce((n, r) => n + r.elapsedMs, 0);
  const cpuMs = runs.reduce((n, r) => n + r.cpuMs, 0);
  return {
    ...summarise(latencies, errors, elapsedMs),
    elapsedMs,
    cpuMsPerOp: latencies.length > 0 ? cpuMs / latencies.length : Number.NaN,
    firstError: runs.find((r) => r.firstError !== null)?.firstError ?? null,
  };
}

/**
 * An operation; throws (or rejects) to count as an error. `signal` aborts when the
 * operation times out, for operations that can cancel their I/O.
 */
export type Operation = (worker: number, signal: AbortSignal) => Promise<void>;

/**
 * Closed-loop load: `concurrency` workers each run `operation` back to back until the
 * time or count budget is spent. Elapsed time runs from the first start to the last
 * finish; latencies are of successful operations only, since a failure's latency says
 * nothing about the path being measured.
 */
export async function runLoad(options: LoadOptions, operation: Operation): Promise<LoadRun> {
  const { concurrency, durationMs, maxOperations = Number.POSITIVE_INFINITY } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const latencies: number[] = [];
  let started = 0;
  let errors = 0;
  let firstError: string | null = null;

  const cpuBefore = process.cpuUsage();
  const begin = performance.now();
  const deadline = begin + durationMs;

  const worker = async (index: number): Promise<void> => {
    while (started < maxOperations && performance.now() < deadline) {
      started++;
      const t0 = performance.now();
      try {
        await withTimeout(timeoutMs, (signal) => operation(index, signal));
        latencies.push(performance.now() - t0);
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };

  await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
  const elapsedMs = performance.now() - begin;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { latenciesMs: latencies, errors, elapsedMs, cpuMs, firstError };
}

async function withTimeout(ms: number, run: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`operation timed out after ${ms} ms`));
    }, ms);
  });
  try {
    await Promise.race([run(controller.signal), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `task` over `items` with at most `limit` in flight; resolves in input order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
