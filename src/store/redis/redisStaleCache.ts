import type { Redis } from 'ioredis';
import type { CachedValue, StaleCache } from '../../sources/staleCache';
import type { RedisKeys } from './keys';

/** The stale cache in Redis, one key per source and request, expiring after the TTL. */
export class RedisStaleCache implements StaleCache {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly ttlSeconds: number,
  ) {}

  async setMany<T>(
    source: string,
    entries: { key: string; value: T }[],
    asOf: Date,
  ): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const { key, value } of entries) {
      pipeline.set(
        this.keys.staleAnswer(source, key),
        encode({ value, asOf }),
        'EX',
        this.ttlSeconds,
      );
    }
    await pipeline.exec();
  }

  async getMany<T>(source: string, keys: string[]): Promise<(CachedValue<T> | null)[]> {
    if (keys.length === 0) return [];
    const raw = await this.redis.mget(keys.map((k) => this.keys.staleAnswer(source, k)));
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
