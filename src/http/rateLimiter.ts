import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (for `Retry-After`). */
  resetSeconds: number;
}

const WINDOW_MS = 60_000;

/**
 * Requests per credential per minute, counted in Redis so that the limit holds across
 * every gateway replica: one counter per subject and minute, created with its expiry in
 * the same transaction (a crash cannot leave a counter that never expires). Fails open:
 * with Redis unreachable, requests are served and a warning logged, because refusing all
 * traffic over a rate-limit outage would be worse than not limiting for a while.
 */
export class RateLimiter {
  private warned = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly perMinute: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the current window ends. */
  resetSeconds(): number {
    const t = this.now();
    return Math.max(1, Math.ceil(((Math.floor(t / WINDOW_MS) + 1) * WINDOW_MS - t) / 1000));
  }

  /** Whether `subject` has used its budget this minute, without counting this question. */
  async exhausted(subject: string): Promise<boolean> {
    try {
      const count = Number((await this.redis.get(this.key(subject))) ?? 0);
      return count >= this.perMinute;
    } catch {
      return false; // fails open, as take() does
    }
  }

  private key(subject: string): string {
    return `${this.prefix}rate:${subject}:${Math.floor(this.now() / WINDOW_MS)}`;
  }

  async take(subject: string): Promise<RateDecision> {
    const resetSeconds = this.resetSeconds();
    const key = this.key(subject);
    try {
      const results = await this.redis
        .multi()
        .set(key, 0, 'PX', WINDOW_MS * 2, 'NX')
        .incr(key)
        .exec();
      const count = Number(results?.[1]?.[1] ?? 0);
      this.warned = false;
      return {
        allowed: count <= this.perMinute,
        limit: this.perMinute,
        remaining: Math.max(0, this.perMinute - count),
        resetSeconds,
      };
    } catch (err) {
      if (!this.warned) this.logger.warn({ err }, 'rate limiter unavailable; not limiting');
      this.warned = true;
      return { allowed: true, limit: this.perMinute, remaining: this.perMinute, resetSeconds };
    }
  }
}
