import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './connections';

/**
 * Every key matching `pattern`, a page at a time. SCAN walks the keys of the one server
 * it is sent to, and a cluster client sends it to any one node: on a cluster, each master
 * is scanned in turn (every key lives on exactly one master; replicas hold copies). A key
 * that moves to another master during the scan (resharding) may be missed.
 */
export async function* scanKeys(
  redis: RedisClient,
  pattern: string,
  count: number,
): AsyncGenerator<string[]> {
  for (const server of await serversHoldingKeys(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      if (keys.length > 0) yield keys;
    } while (cursor !== '0');
  }
}

async function serversHoldingKeys(redis: RedisClient): Promise<Redis[]> {
  if (!(redis instanceof Cluster)) return [redis];
  // The client learns the masters when it connects; a lazy one connects at its first command.
  if (redis.status !== 'ready') await redis.ping();
  return redis.nodes('master');
}
