import type { Logger } from 'pino';
import { redisConnection } from './connections';

/** Whether Redis answers, for /readyz. */
export interface RedisProbe {
  /** Resolves when Redis answers a PING; rejects at once when it does not. */
  check(): Promise<void>;
  close(): void;
}

/**
 * A connection of its own for health checks: it must fail fast, not queue behind
 * traffic. Connected here, so that a Redis missing at start is logged once.
 */
export async function openRedisProbe(url: string, logger: Logger): Promise<RedisProbe> {
  const redis = redisConnection(url, 'probe');
  redis.on('error', () => undefined); // reported through /readyz
  await redis
    .connect()
    .catch((err: unknown) => logger.warn({ err }, 'redis not reachable at start'));
  return {
    check: async () => void (await redis.ping()),
    close: () => redis.disconnect(),
  };
}
