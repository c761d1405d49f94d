import type { WindowCounter } from '../../http/rateLimiter';
import type { RedisClient } from './connections';
import type { RedisKeys } from './keys';

/**
 * Rate-limit counts in Redis: one key per subject and window, created with its expiry
 * and incremented in one MULTI (a single key, so one slot on a cluster).
 */
export class RedisWindowCounter implements WindowCounter {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async increment(subject: string, window: number, keepMs: number): Promise<number> {
    const key = this.keys.rateCounter(subject, window);
    const results = await this.redis.multi().set(key, 0, 'PX', keepMs, 'NX').incr(key).exec();
    return Number(results?.[1]?.[1] ?? 0);
  }

  async read(subject: string, window: number): Promise<number> {
    return Number((await this.redis.get(this.keys.rateCounter(subject, window))) ?? 0);
  }
}
