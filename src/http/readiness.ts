import { withTimeout } from './withTimeout';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

const READINESS_TIMEOUT_MS = 2_000;

/**
 * `/readyz`: 200 when every check answers within its time, 503 with what failed
 * otherwise. While draining it is 503 at once, so the load balancer moves on.
 */
export async function readinessReport(
  checks: readonly ReadinessCheck[],
  draining: boolean,
): Promise<[number, unknown]> {
  if (draining) return [503, { status: 'stopping', checks: {} }];
  const results = await Promise.all(checks.map(runCheck));
  const ok = results.every(([, r]) => r.ok);
  return [
    ok ? 200 : 503,
    {
      status: ok ? 'ready' : 'not ready',
      checks: Object.fromEntries<{ ok: boolean; error?: string }>(results),
    },
  ];
}

async function runCheck(
  probe: ReadinessCheck,
): Promise<readonly [string, { ok: boolean; error?: string }]> {
  const { name } = probe;
  try {
    await withTimeout(
      probe.check(),
      READINESS_TIMEOUT_MS,
      `${name} did not answer within ${READINESS_TIMEOUT_MS} ms`,
    );
    return [name, { ok: true }];
  } catch (err) {
    return [name, { ok: false, error: err instanceof Error ? err.message : String(err) }];
  }
}
