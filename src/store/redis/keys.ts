/**
 * Every Redis key and channel name Mosaic uses, in one place, so that the layout can be
 * checked against Redis Cluster's rule: keys used together by one command, MULTI or Lua
 * script must hash to one slot. A key's slot is decided by its hash tag (the text
 * between its first `{` and the next `}`), and every key here has one, opened by us
 * before any text that came from outside (a subject, a request key): a brace in such a
 * value can at most end one key's tag early, never pull apart keys that belong together.
 *
 * Tags group only what must stay together, so that a cluster spreads the rest:
 * - one BullMQ queue of one database (its Lua scripts touch many of the queue's keys);
 * - one profile's fence token and gold document (the hot tier's scripts check one
 *   against the other);
 * - nothing else: rate counters, persisted queries and stale answers are read and written
 *   one key per command, so each key's tag is its own identity.
 *
 * Everything of one deployment starts with `mosaic:<database>:`, so that tenants (and
 * test files) sharing a Redis never mix, and a SCAN over that prefix finds it all.
 */
export interface RedisKeys {
  /** `mosaic:<database>:`: the start of every key and channel of the deployment. */
  readonly prefix: string;
  /** The start of every BullMQ key (their lists and sets are BullMQ's business). */
  readonly queueKeys: string;
  /** A pub/sub channel (channels are not keys: a cluster delivers them everywhere). */
  channel(name: string): string;
  /** BullMQ's `prefix` option for one queue: the queue's keys are `<this>:<queue>:…`. */
  queuePrefix(queue: string): string;
  /** A rate-limit counter: one per subject and window. */
  rateCounter(subject: string, window: number): string;
  /** A persisted query registration, under the key Apollo gives it (`apq:<sha256>`). */
  persistedQuery(apolloKey: string): string;
  /** A source's last answer to one request. */
  staleAnswer(source: string, requestKey: string): string;
  /** A profile's fence token and its gold document: one tag, read and written by one script. */
  hotToken(profileId: string): string;
  hotGold(profileId: string): string;
  /** The hint of where an identity led, under a digest of the identity (never the value itself). */
  hotIdentity(digest: string): string;
}

export function redisKeys(database: string): RedisKeys {
  // A brace in the database name would start the hash tag of every key before ours does.
  if (/[{}]/.test(database))
    throw new Error(`a database name for Redis keys cannot contain { or }: ${database}`);
  const prefix = `mosaic:${database}:`;
  const queueKeys = `${prefix}bull:`;
  return {
    prefix,
    queueKeys,
    channel: (name) => `${prefix}${name}`,
    // The database is in the tag too, so that each tenant's queues land on other slots.
    queuePrefix: (queue) => `${queueKeys}{${database}:${queue}}`,
    rateCounter: (subject, window) => `${prefix}rate:{${subject}:${window}}`,
    persistedQuery: (apolloKey) => `${prefix}{${apolloKey}}`,
    staleAnswer: (source, requestKey) => `${prefix}source:${source}:{${requestKey}}`,
    hotToken: (profileId) => `${prefix}hot:{${profileId}}:token`,
    hotGold: (profileId) => `${prefix}hot:{${profileId}}:gold`,
    hotIdentity: (digest) => `${prefix}hot:identity:{${digest}}`,
  };
}
