import type { Authenticator, FailureGate } from '../auth/authenticator';
import type { Principal } from '../auth/roles';
import type { RateDecision, RateLimiter } from './rateLimiter';

/** The limits on a caller, the same over HTTP and graphql-ws. */
export interface CallerLimits {
  /** Failed authentications from `address`, counted and capped; null when not limited. */
  failureGate(address: string | undefined): FailureGate | null;
  /** When an address over its failure budget may try again (only asked once it is over). */
  failureRetryAfterSeconds(): number;
  /** Null when the caller may go on; otherwise the refusal. Auth off (development) is never limited. */
  overLimit(principal: Principal): Promise<RateDecision | null>;
}

export function callerLimits(options: {
  auth: Pick<Authenticator, 'enabled'>;
  /** Operations per credential (MOSAIC_RATE_LIMIT_PER_MINUTE); off without it. */
  rateLimiter: RateLimiter | null;
  /** Failed authentications per client address (MOSAIC_AUTH_FAILURES_PER_MINUTE); off without it. */
  failureLimiter: RateLimiter | null;
}): CallerLimits {
  const { auth, rateLimiter, failureLimiter } = options;
  return {
    failureGate(address) {
      if (failureLimiter === null) return null;
      const client = `authfail:${address ?? 'unknown'}`;
      return {
        mayLookUp: async () => !(await failureLimiter.exhausted(client)),
        failed: async () => void (await failureLimiter.take(client)),
        retryAfterSeconds: () => failureLimiter.resetSeconds(),
      };
    },
    failureRetryAfterSeconds: () => failureLimiter!.resetSeconds(),
    async overLimit(principal) {
      if (rateLimiter === null || !auth.enabled) return null;
      const decision = await rateLimiter.take(principal.subject);
      return decision.allowed ? null : decision;
    },
  };
}

export function rateLimitMessage(d: RateDecision): string {
  return `Rate limit of ${d.limit} requests per minute for this credential reached; retry in ${d.resetSeconds} s`;
}
