import type { WindowCounter } from '../../http/rateLimiter';
import type { RedisClient } from './connections';
import type { RedisKeys } from './keys';

/**
 * KEYS: the count. ARGV: how long to keep it (ms). The new count; a count is created with
 * its expiry in the same script, so a crash cannot leave one that never expires.
 */
const INCREMENT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

interface WindowCommands {
  mosaicRateIncrement(key: string, keepMs: number): Promise<number>;
}

/**
 * Rate-limit counts in Redis: one key per subject and window (one slot on a cluster),
 * counted by one script per request: every request of every caller passes here, so it
 * is one command rather than a MULTI of four.
 */
export class RedisWindowCounter implements WindowCounter {
  private readonly commands: WindowCommands;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {
    redis.defineCommand('mosaicRateIncrement', { numberOfKeys: 1, lua: INCREMENT });
    this.commands = redis as unknown as WindowCommands;
  }

  async increment(subject: string, window: number, keepMs: number): Promise<number> {
    return Number(
      await this.commands.mosaicRateIncrement(this.keys.rateCounter(subject, window), keepMs),
    );
  }

  async read(subject: string, window: number): Promise<number> {
    return Number((await this.redis.get(this.keys.rateCounter(subject, window))) ?? 0);
  }
}
