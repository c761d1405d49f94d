/** Throughput and latency of one measured run, in the units the report uses. */
export interface LatencySummary {
  /** Successful operations. */
  requests: number;
  errors: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
}

/**
 * Nearest-rank percentile of ascending `sorted` values: the smallest value with at least
 * `p` percent of the samples at or below it. Nearest-rank (rather than interpolation)
 * always reports a latency that was actually observed.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarise(
  latenciesMs: readonly number[],
  errors: number,
  elapsedMs: number,
): LatencySummary {
  const sorted = Float64Array.from(latenciesMs).sort();
  const total = sorted.reduce((sum, v) => sum + v, 0);
  return {
    requests: sorted.length,
    errors,
    rps: elapsedMs > 0 ? (sorted.length * 1000) / elapsedMs : 0,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: sorted.length > 0 ? total / sorted.length : Number.NaN,
    maxMs: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

/** Rounds for the report: enough digits to compare runs, not so many that noise looks like signal. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
