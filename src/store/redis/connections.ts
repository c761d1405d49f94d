import { Redis, type RedisOptions } from 'ioredis';

/**
 * How each kind of Redis connection behaves when Redis is slow or away. They differ on
 * purpose: a request must not wait on a cache, while a job queue must outlast an outage.
 */
const OPTIONS = {
  /** /readyz: fails fast instead of queueing behind traffic; connected by its owner. */
  probe: { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true },
  /**
   * Caches on a request's path (stale answers, rate limits, persisted queries): a slow
   * Redis costs a request 500 ms at most, and an absent one nothing but the cache.
   */
  cache: { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 500 },
  /** The stale cache of in-process tools (benchmarks, evaluations), which nobody waits on. */
  toolCache: { maxRetriesPerRequest: 1 },
  /** BullMQ requires commands to wait through an outage rather than fail. */
  queue: { maxRetriesPerRequest: null },
  publisher: { lazyConnect: false, maxRetriesPerRequest: 3 },
  /** Its (un)subscribes wait through an outage; ioredis subscribes again on reconnecting. */
  subscriber: { lazyConnect: false, maxRetriesPerRequest: null },
  /** Erasures, which are rare: connects at the first one, not at start. */
  erasure: { maxRetriesPerRequest: 2, lazyConnect: true },
} satisfies Record<string, RedisOptions>;

export type RedisConnectionKind = keyof typeof OPTIONS;

/** A new connection to `url`, behaving as its kind requires (see `OPTIONS`). */
export function redisConnection(url: string, kind: RedisConnectionKind): Redis {
  return new Redis(url, { ...OPTIONS[kind] });
}
