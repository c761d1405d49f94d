import type { MentionScrub, MentionScrubCounts } from '../../privacy/mentionScrub';
import type { RedisClient } from './connections';
import type { RedisKeys } from './keys';
import { scanKeys } from './scanKeys';

/** A BullMQ job's hash: `<queue prefix>:<queue>:<job id>` with a `data` field. */
export interface JobRef {
  queue: string;
  jobId: string;
}

/** The job queues, as far as a scrub needs them: jobs are removed through BullMQ. */
export interface QueuedJobs {
  /** The job whose hash `key` is; null for any other key. */
  jobOf(key: string): JobRef | null;
  /** 'busy' when a worker holds the job now (it cannot be removed). */
  removeJob(job: JobRef): Promise<'removed' | 'busy'>;
}

const SCAN_COUNT = 500;

/**
 * Removes from Redis everything of the deployment that mentions the person: the
 * sources' cached answers, queued and failed jobs with their error messages, and
 * anything a later feature caches there. It reads every key under the deployment's
 * prefix rather than guessing key names, so a cache added later cannot be forgotten by
 * an erasure written earlier. Jobs are removed through BullMQ (`jobs`) so its lists
 * stay consistent; BullMQ's own lists and sets of job ids are left to it.
 *
 * On Redis Cluster, every master is scanned (`scanKeys`); each key is then read and
 * changed through the cluster client, which sends it to the node that holds it.
 */
export class RedisMentionScrub implements MentionScrub {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    /** Null where no queues run (scratch stacks): job hashes are then left alone. */
    private readonly jobs: QueuedJobs | null,
  ) {}

  async removeMentions(mentionsText: (text: string) => boolean): Promise<MentionScrubCounts> {
    const { redis, jobs } = this;
    const { prefix, queueKeys } = this.keys;
    const result: MentionScrubCounts = { keys: 0, jobs: 0, entries: 0, busy: 0 };
    // Values only: key names (`…:bull:{…}:enrichment:…`) are not the person.
    const mentions = (text: string | null | undefined): boolean => !!text && mentionsText(text);
    for await (const keys of scanKeys(redis, `${prefix}*`, SCAN_COUNT)) {
      for (const key of keys) {
        const ofQueues = key.startsWith(queueKeys);
        const type = await redis.type(key);
        switch (type) {
          case 'string':
            // BullMQ's strings (ids, locks, deduplication keys) hold job ids, not values.
            if (!ofQueues && mentions(await redis.get(key))) result.keys += await redis.del(key);
            break;
          case 'hash': {
            const fields = await redis.hgetall(key);
            if (!Object.values(fields).some((v) => mentions(v))) break;
            const job = jobs !== null && 'data' in fields ? jobs.jobOf(key) : null;
            if (jobs !== null && job !== null) {
              if ((await jobs.removeJob(job)) === 'removed') result.jobs++;
              else result.busy++;
            } else if (!ofQueues) result.keys += await redis.del(key);
            break;
          }
          case 'list':
          case 'set':
          case 'zset':
            if (ofQueues) break;
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
    }
    return result;
  }
}

/** Removes the members of a list, set or sorted set that mention the person. */
async function removeMembers(
  redis: RedisClient,
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
