import { withTimeout } from './withTimeout';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
  /**
   * False for a dependency whose failure degrades the gateway without making it unready:
   * it is reported, but a load balancer should keep sending traffic (PostgreSQL: profile
   * reads still answer without it, and every replica shares it, so taking replicas out
   * for it would leave none). Default: true.
   */
  required?: boolean;
}

/** One check's verdict, as `/readyz` and `operationsStatus` report it. */
export interface CheckResult {
  name: string;
  ok: boolean;
  /** Why it failed (the driver's message, or that it did not answer in time). */
  error?: string;
  required: boolean;
}

export const READINESS_TIMEOUT_MS = 2_000;

/**
 * Runs every check at once, each bounded by `READINESS_TIMEOUT_MS`: the one runner behind
 * `/readyz` and the `operationsStatus` query, so both always report the same thing.
 */
export function runReadinessChecks(checks: readonly ReadinessCheck[]): Promise<CheckResult[]> {
  return Promise.all(checks.map(runCheck));
}

/** Ready: every required check passed (a failed optional one only degrades). */
export const isReady = (results: readonly CheckResult[]): boolean =>
  results.every((r) => r.ok || !r.required);

/**
 * `/readyz`: 200 when every required check answers within its time (`degraded` when an
 * optional one did not), 503 with what failed otherwise. While draining it is 503 at
 * once, so the load balancer moves on.
 */
export async function readinessReport(
  checks: readonly ReadinessCheck[],
  draining: boolean,
): Promise<[number, unknown]> {
  if (draining) return [503, { status: 'stopping', checks: {} }];
  const results = await runReadinessChecks(checks);
  const ready = isReady(results);
  const status = !ready ? 'not ready' : results.every((r) => r.ok) ? 'ready' : 'degraded';
  return [
    ready ? 200 : 503,
    {
      status,
      checks: Object.fromEntries(
        results.map(({ name, ok, error }) => [name, error === undefined ? { ok } : { ok, error }]),
      ),
    },
  ];
}

async function runCheck(probe: ReadinessCheck): Promise<CheckResult> {
  const { name } = probe;
  const required = probe.required ?? true;
  try {
    await withTimeout(
      probe.check(),
      READINESS_TIMEOUT_MS,
      `${name} did not answer within ${READINESS_TIMEOUT_MS} ms`,
    );
    return { name, ok: true, required };
  } catch (err) {
    return { name, ok: false, error: err instanceof Error ? err.message : String(err), required };
  }
}
