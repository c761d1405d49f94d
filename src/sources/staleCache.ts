import type { Redis } from 'ioredis';

export interface CachedValue<T> {
  value: T;
  asOf: Date;
}

/**
 * The last answer each source gave for each request, in Redis, so that a profile read
 * can still answer (marked stale) while a source is down. Writes are best effort and
 * never delay a read; a failing Redis only means there is nothing to fall back to.
 */
export class StaleCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
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
      pipeline.set(this.redisKey(source, key), encode({ value, asOf }), 'EX', this.ttlSeconds);
    }
    await pipeline.exec();
  }

  async getMany<T>(source: string, keys: string[]): Promise<(CachedValue<T> | null)[]> {
    if (keys.length === 0) return [];
    const raw = await this.redis.mget(keys.map((k) => this.redisKey(source, k)));
    return raw.map((r) => (r === null ? null : decode<CachedValue<T>>(r)));
  }

  private redisKey(source: string, key: string): string {
    return `${this.prefix}source:${source}:${key}`;
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
