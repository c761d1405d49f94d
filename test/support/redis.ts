import { Redis } from 'ioredis';
import { testConfig } from './env';

/** Removes every Redis key a test database's app used (job queues, stale cache, pub/sub). */
export async function dropRedisKeys(database: string): Promise<void> {
  const redis = new Redis(testConfig().redis.url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `mosaic:${database}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
