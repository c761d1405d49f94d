import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'bson';
import {
  HotTierUnavailable,
  newFenceToken,
  type GoldProfile,
  type GoldRead,
  type ProfileHotTier,
} from '../../profiles/goldDocuments';
import type { RedisClient } from './connections';
import type { RedisKeys } from './keys';

/**
 * KEYS: token, gold. ARGV: a fresh token, TTL. The current token (created when there is
 * none) and the document if it was filled under that token.
 */
const READ = `
local token = redis.call('GET', KEYS[1])
if not token then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return {ARGV[1], false}
end
local gold = redis.call('HMGET', KEYS[2], 't', 'd')
if gold[1] == token then return {token, gold[2]} end
return {token, false}`;

/** KEYS: token, gold. ARGV: the token read, the document, TTL. 1 if stored, 0 if fenced since. */
const FILL = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], 't', ARGV[1], 'd', ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1`;

/** KEYS: token, gold. ARGV: a fresh token, TTL. */
const FENCE = `
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('DEL', KEYS[2])
return 1`;

/** The scripts, as ioredis defines them on a connection (cached by SHA, sent once). */
interface HotCommands {
  mosaicHotReadBuffer(token: string, gold: string, fresh: string, ttl: number): Promise<Buffer[]>;
  mosaicHotFill(
    token: string,
    gold: string,
    read: string,
    doc: Buffer,
    ttl: number,
  ): Promise<number>;
  mosaicHotFence(token: string, gold: string, fresh: string, ttl: number): Promise<number>;
}

/**
 * The hot tier in Redis (see ProfileHotTier): per profile a token key and a hash with the
 * document and the token it was filled under, under one hash tag so each script touches
 * one slot; per identity a hint key named by a digest of the identity. Documents are BSON:
 * dates, numbers and nested traits come back exactly as the store holds them.
 */
export class RedisHotTier implements ProfileHotTier {
  private readonly commands: HotCommands;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly ttlSeconds: number,
  ) {
    redis.defineCommand('mosaicHotRead', { numberOfKeys: 2, lua: READ });
    redis.defineCommand('mosaicHotFill', { numberOfKeys: 2, lua: FILL });
    redis.defineCommand('mosaicHotFence', { numberOfKeys: 2, lua: FENCE });
    this.commands = redis as unknown as HotCommands;
  }

  profileOf(identityKey: string): Promise<string | null> {
    return unavailableOnError(this.redis.get(this.identityKeyOf(identityKey)));
  }

  async rememberProfileOf(identityKey: string, profileId: string): Promise<void> {
    await unavailableOnError(
      this.redis.set(this.identityKeyOf(identityKey), profileId, 'EX', this.ttlSeconds),
    );
  }

  async read(profileId: string): Promise<GoldRead> {
    const [token, doc] = await unavailableOnError(
      this.commands.mosaicHotReadBuffer(
        this.keys.hotToken(profileId),
        this.keys.hotGold(profileId),
        newFenceToken(),
        this.ttlSeconds,
      ),
    );
    return {
      token: token!.toString(),
      gold: doc ? (deserialize(doc) as GoldProfile) : null,
    };
  }

  async fill(profileId: string, token: string, gold: GoldProfile): Promise<boolean> {
    // A document copied from the store keeps what is left of its lifetime, not a new one.
    const ageSeconds = Math.floor((Date.now() - gold.builtAt.getTime()) / 1000);
    const ttl = this.ttlSeconds - ageSeconds;
    if (ttl <= 0) return false;
    const stored = await unavailableOnError(
      this.commands.mosaicHotFill(
        this.keys.hotToken(profileId),
        this.keys.hotGold(profileId),
        token,
        Buffer.from(serialize(gold)),
        ttl,
      ),
    );
    return stored === 1;
  }

  async fence(profileIds: string[]): Promise<void> {
    // One command per profile, sent together: each profile has a slot of its own.
    await unavailableOnError(
      Promise.all(
        [...new Set(profileIds)].map((id) =>
          this.commands.mosaicHotFence(
            this.keys.hotToken(id),
            this.keys.hotGold(id),
            newFenceToken(),
            this.ttlSeconds,
          ),
        ),
      ),
    );
  }

  async forgetIdentities(identityKeys: string[]): Promise<void> {
    await unavailableOnError(
      Promise.all(identityKeys.map((k) => this.redis.del(this.identityKeyOf(k)))),
    );
  }

  private identityKeyOf(identityKey: string): string {
    return this.keys.hotIdentity(createHash('sha256').update(identityKey).digest('base64url'));
  }
}

/** Any Redis failure means the same to a caller: the tier cannot answer now. */
async function unavailableOnError<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (err) {
    throw new HotTierUnavailable(err);
  }
}
