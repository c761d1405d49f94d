import type { CachedValue, StaleCache } from '../../sources/staleCache';
import type { RedisClient } from './connections';
import type { RedisKeys } from './keys';

/**
 * The stale cache in Redis, one key per source and request, expiring after the TTL.
 * Keys are read and written one per command, sent together: each key has a tag of its
 * own, so on Redis Cluster a source's answers spread over every node instead of filling
 * one (MGET, or a pipeline on a cluster client, would need them all in one slot).
 */
export class RedisStaleCache implements StaleCache {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly ttlSeconds: number,
  ) {}

  async setMany<T>(
    source: string,
    entries: { key: string; value: T }[],
    asOf: Date,
  ): Promise<void> {
    await Promise.all(
      entries.map(({ key, value }) =>
        this.redis.set(
          this.keys.staleAnswer(source, key),
          encode({ value, asOf }),
          'EX',
          this.ttlSeconds,
        ),
      ),
    );
  }

  async getMany<T>(source: string, keys: string[]): Promise<(CachedValue<T> | null)[]> {
    const raw = await Promise.all(
      keys.map((k) => this.redis.get(this.keys.staleAnswer(source, k))),
    );
    return raw.map((r) => (r === null ? null : decode<CachedValue<T>>(r)));
  }
}

/** JSON that keeps Dates: answers are full of them, and a stale answer must look like a fresh one. */
function encode(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const original = this[key];
    return original instanceof Date ? { $date: original.toISOString() } : v;
  });
}

function decode<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && '$date' in v && Object.keys(v).length === 1
      ? new Date((v as { $date: string }).$date)
      : v,
  ) as T;
}
