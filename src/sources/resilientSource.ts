import type { Logger } from 'pino';
import { CircuitBreaker } from './circuitBreaker';
import type { SourceAdapter, SourcePolicy, SourceResult } from './sourceAdapter';
import type { StaleCache } from './staleCache';

export class SourceTimeoutError extends Error {
  constructor(source: string, ms: number) {
    super(`${source} did not answer within ${ms} ms`);
    this.name = 'SourceTimeoutError';
  }
}

/**
 * A source adapter with the guarantees a profile read relies on: every batch answers
 * within the source's timeout; a failing source is not hammered (circuit breaker); and
 * when the source cannot answer, the last cached answer is served, marked stale.
 * Shared by every request of the process (the breaker must see all traffic).
 */
export class ResilientSource<Req, Res> {
  readonly breaker: CircuitBreaker;
  /** Batches sent to the adapter, for tests and the benchmark that prove batching. */
  batches = 0;
  /** Running totals, read by `/metrics` (src/observability/metrics.ts). */
  readonly counts = {
    /** Batches that failed (timeouts included) or were skipped by the open breaker. */
    failures: 0,
    timeouts: 0,
    skipped: 0,
    /** Items answered from the stale cache, found there or not. */
    staleItems: 0,
  };

  constructor(
    readonly adapter: SourceAdapter<Req, Res>,
    readonly policy: SourcePolicy,
    private readonly cache: StaleCache,
    private readonly logger: Logger,
  ) {
    this.breaker = new CircuitBreaker(policy.breakerFailures, policy.breakerCooldownMs);
  }

  get name(): string {
    return this.adapter.name;
  }

  async loadMany(requests: readonly Req[]): Promise<SourceResult<Res>[]> {
    const keys = requests.map((r) => this.adapter.requestKey(r));
    const started = Date.now();
    let failure: string;
    if (this.breaker.tryAcquire()) {
      try {
        this.batches++;
        const values = await withTimeout(
          this.adapter.loadMany(requests),
          this.policy.timeoutMs,
          () => new SourceTimeoutError(this.name, this.policy.timeoutMs),
        );
        this.breaker.recordSuccess();
        const asOf = new Date();
        this.cache
          .setMany(
            this.name,
            keys.map((key, i) => ({ key, value: values[i] })),
            asOf,
          )
          .catch((err: unknown) =>
            this.logger.debug({ err, source: this.name }, 'cache write failed'),
          );
        return values.map((value) => ({ value, stale: false, asOf, error: null }));
      } catch (err) {
        this.breaker.recordFailure();
        this.counts.failures++;
        if (err instanceof SourceTimeoutError) this.counts.timeouts++;
        failure = err instanceof Error ? err.message : String(err);
        this.logger.warn(
          { err, source: this.name, breaker: this.breaker.state },
          'source failed; serving cache',
        );
      }
    } else {
      this.counts.skipped++;
      failure = `${this.name} is failing; calls paused by the circuit breaker`;
    }
    // Whatever time the source used, the fallback gets what is left of the budget (and
    // at least a little, so an instant refusal still reaches the cache).
    const budget = Math.max(100, this.policy.timeoutMs - (Date.now() - started));
    const cached = await withTimeout(
      this.cache.getMany<Res>(this.name, keys),
      budget,
      () => new Error('cache did not answer'),
    ).catch((err: unknown) => {
      this.logger.warn({ err, source: this.name }, 'stale cache unavailable');
      return keys.map(() => null);
    });
    this.counts.staleItems += cached.length;
    return cached.map((c) =>
      c === null
        ? { value: null, stale: true, asOf: null, error: failure }
        : { value: c.value, stale: true, asOf: c.asOf, error: failure },
    );
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // The loser of the race may still fail later; that failure is already accounted for.
  promise.catch(() => undefined);
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(error()), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
