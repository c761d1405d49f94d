/**
 * Every Redis key and channel name Mosaic uses, in one place. Everything of one
 * deployment starts with `mosaic:<database>:`, so that tenants (and test files) sharing
 * a Redis never mix, and a SCAN over that prefix finds it all.
 */
export interface RedisKeys {
  /** `mosaic:<database>:`: the start of every key and channel of the deployment. */
  readonly prefix: string;
  /** The start of every BullMQ key (their lists and sets are BullMQ's business). */
  readonly queueKeys: string;
  /** A pub/sub channel. */
  channel(name: string): string;
  /** BullMQ's `prefix` option for one queue: the queue's keys are `<this>:<queue>:…`. */
  queuePrefix(queue: string): string;
  /** A rate-limit counter: one per subject and window. */
  rateCounter(subject: string, window: number): string;
  /** A persisted query registration, under the key Apollo gives it (`apq:<sha256>`). */
  persistedQuery(apolloKey: string): string;
  /** A source's last answer to one request. */
  staleAnswer(source: string, requestKey: string): string;
}

export function redisKeys(database: string): RedisKeys {
  const prefix = `mosaic:${database}:`;
  const queueKeys = `${prefix}bull:`;
  return {
    prefix,
    queueKeys,
    channel: (name) => `${prefix}${name}`,
    queuePrefix: () => `${prefix}bull`,
    rateCounter: (subject, window) => `${prefix}rate:${subject}:${window}`,
    persistedQuery: (apolloKey) => `${prefix}${apolloKey}`,
    staleAnswer: (source, requestKey) => `${prefix}source:${source}:${requestKey}`,
  };
}
