import type { Redis } from 'ioredis';

export interface RedisScrubResult {
  /** Keys deleted whole (cached answers, deduplication keys …). */
  keys: number;
  /** Jobs removed through their queue. */
  jobs: number;
  /** Members removed from lists, sets, sorted sets and streams. */
  entries: number;
  /** Jobs that mention the person but are running now (locked): left for the sweep. */
  busy: number;
}

/** A BullMQ job's hash: `<queue prefix>:<queue>:<job id>` with a `data` field. */
export interface JobRef {
  queue: string;
  jobId: string;
}

const SCAN_COUNT = 500;

/**
 * Removes from Redis everything under `prefix` that mentions any of `needles` (the
 * person's identifier values, names and ids, compared case-insensitively): the sources'
 * cached answers, queued and failed jobs with their error messages, and anything a
 * later feature caches there. It reads every key under the prefix rather than guessing
 * key names, so a cache added later cannot be forgotten by an erasure written earlier.
 * Jobs are removed through BullMQ (`removeJob`) so its lists stay consistent.
 */
export async function scrubRedis(
  redis: Redis,
  prefix: string,
  needles: string[],
  jobOf: (key: string) => JobRef | null,
  removeJob: (job: JobRef) => Promise<'removed' | 'busy'>,
  /** BullMQ's own keys: their lists and sets of job ids are left to `removeJob`. */
  queuePrefix: string,
): Promise<RedisScrubResult> {
  const result: RedisScrubResult = { keys: 0, jobs: 0, entries: 0, busy: 0 };
  const pattern = tokenPattern(needles);
  if (pattern === null) return result;
  // Values only, as whole tokens: key names (`…:bull:enrichment:…`) and words that merely
  // contain a name ("Rich" in "enrichment") are not the person.
  const mentions = (text: string | null | undefined): boolean => !!text && pattern.test(text);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', SCAN_COUNT);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      switch (type) {
        case 'string':
          // BullMQ's strings (ids, locks, deduplication keys) hold job ids, not values.
          if (!key.startsWith(queuePrefix) && mentions(await redis.get(key)))
            result.keys += await redis.del(key);
          break;
        case 'hash': {
          const fields = await redis.hgetall(key);
          if (!Object.values(fields).some((v) => mentions(v))) break;
          const job = 'data' in fields ? jobOf(key) : null;
          if (job !== null) {
            if ((await removeJob(job)) === 'removed') result.jobs++;
            else result.busy++;
          } else if (!key.startsWith(queuePrefix)) result.keys += await redis.del(key);
          break;
        }
        case 'list':
        case 'set':
        case 'zset':
          if (key.startsWith(queuePrefix)) break;
          result.entries += await removeMembers(redis, key, type, mentions);
          break;
        case 'stream': {
          const entries = (await redis.xrange(key, '-', '+')) as [string, string[]][];
          const ids = entries.filter(([, fields]) => mentions(fields.join('\u0000')));
          if (ids.length > 0) result.entries += await redis.xdel(key, ...ids.map(([id]) => id));
          break;
        }
        default:
          break;
      }
    }
  } while (cursor !== '0');
  return result;
}

/** Removes the members of a list, set or sorted set that mention the person. */
async function removeMembers(
  redis: Redis,
  key: string,
  type: 'list' | 'set' | 'zset',
  mentions: (text: string) => boolean,
): Promise<number> {
  let removed = 0;
  if (type === 'list') {
    for (const item of new Set(await redis.lrange(key, 0, -1)))
      if (mentions(item)) removed += await redis.lrem(key, 0, item);
  } else if (type === 'set') {
    for (const item of await redis.smembers(key))
      if (mentions(item)) removed += await redis.srem(key, item);
  } else {
    for (const item of await redis.zrange(key, 0, -1))
      if (mentions(item)) removed += await redis.zrem(key, item);
  }
  return removed;
}

/** One case-insensitive pattern matching any needle as a whole token (not inside a word). */
export function tokenPattern(needles: string[]): RegExp | null {
  const unique = [...new Set(needles.map((n) => n.trim()).filter((n) => n.length > 0))];
  if (unique.length === 0) return null;
  const alternatives = unique
    .sort((a, b) => b.length - a.length)
    .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'iu');
}
