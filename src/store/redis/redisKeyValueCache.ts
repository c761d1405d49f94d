import type { Logger } from 'pino';
import { APQ_TTL_SECONDS, type KeyValueCache } from '../../http/persistedQueries';
import type { RedisClient } from './connections';
import type { RedisKeys } from './keys';

/**
 * Apollo's KeyValueCache over Redis, for persisted queries: one key per registration,
 * under the deployment's prefix (see `RedisKeys.persistedQuery`). A Redis that does not
 * answer reads as a miss: the client then sends the full query, which still works, so
 * APQ degrades instead of failing requests.
 */
export class RedisKeyValueCache implements KeyValueCache {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
    /** Used when Apollo passes no `ttl`; `null` from Apollo means "keep forever". */
    private readonly defaultTtlSeconds: number = APQ_TTL_SECONDS,
  ) {}

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.redis.get(this.keys.persistedQuery(key))) ?? undefined;
    } catch (err) {
      this.logger.warn({ err }, 'persisted query cache unreachable; treating as a miss');
      return undefined;
    }
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    const ttl = options?.ttl === undefined ? this.defaultTtlSeconds : options.ttl;
    const redisKey = this.keys.persistedQuery(key);
    if (ttl === null) await this.redis.set(redisKey, value);
    else await this.redis.set(redisKey, value, 'EX', Math.max(1, Math.ceil(ttl)));
  }

  async delete(key: string): Promise<boolean> {
    return (await this.redis.del(this.keys.persistedQuery(key))) > 0;
  }
}
