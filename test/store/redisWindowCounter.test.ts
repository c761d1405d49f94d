import { Redis } from 'ioredis';
import { redisKeys } from '../../src/store/redis/keys';
import { RedisWindowCounter } from '../../src/store/redis/redisWindowCounter';
import { testConfig, uniqueDatabaseName } from '../support/env';
import { dropRedisKeys } from '../support/redis';

/** The rate limit's counts: exact under concurrency, and never kept without an expiry. */

const database = uniqueDatabaseName('window_counter');
const keys = redisKeys(database);
let redis: Redis;
beforeAll(() => {
  redis = new Redis(testConfig().redis.url);
});
afterAll(async () => {
  redis.disconnect();
  await dropRedisKeys(database);
});

test('concurrent increments each get their own count, and the count expires', async () => {
  const counter = new RedisWindowCounter(redis, keys);
  const counts = await Promise.all(
    Array.from({ length: 50 }, () => counter.increment('key:abc', 7, 120_000)),
  );
  expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  expect(await counter.read('key:abc', 7)).toBe(50);
  const ttl = await redis.pttl(keys.rateCounter('key:abc', 7));
  expect(ttl).toBeGreaterThan(110_000);
  expect(ttl).toBeLessThanOrEqual(120_000);
  // Another window, another count.
  expect(await counter.increment('key:abc', 8, 120_000)).toBe(1);
  expect(await counter.read('key:other', 7)).toBe(0);
});
