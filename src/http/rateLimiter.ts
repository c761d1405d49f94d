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
 * Counts per subject and window, shared by every gateway replica (in Redis), so that a
 * limit holds across all of them.
 */
export interface WindowCounter {
  /**
   * Adds one to the subject's count in `window` and returns the new count. A count is
   * kept `keepMs`, set when it is created: a crash cannot leave one that never expires.
   */
  increment(subject: string, window: number, keepMs: number): Promise<number>;
  /** The subject's count in `window` so far (0 if none). */
  read(subject: string, window: number): Promise<number>;
}

/**
 * Requests per credential per minute, counted in a shared {@link WindowCounter}: one
 * count per subject and minute. Fails open: with the counter unreachable, requests are
 * served and a warning logged, because refusing all traffic over a rate-limit outage
 * would be worse than not limiting for a while.
 */
export class RateLimiter {
  private warned = false;

  constructor(
    private readonly counter: WindowCounter,
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
      return (await this.counter.read(subject, this.window())) >= this.perMinute;
    } catch {
      return false; // fails open, as take() does
    }
  }

  private window(): number {
    return Math.floor(this.now() / WINDOW_MS);
  }

  async take(subject: string): Promise<RateDecision> {
    const resetSeconds = this.resetSeconds();
    try {
      const count = await this.counter.increment(subject, this.window(), WINDOW_MS * 2);
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
