import type { Logger } from 'pino';
import type { Config } from './config/env';
import { createGateway, type Gateway } from './http/gateway';
import { RateLimiter } from './http/rateLimiter';
import { Metrics } from './observability/metrics';

import { createServices, type Services } from './services';
import { JobQueues } from './store/queues/jobQueues';
import { redisConnection } from './store/redis/connections';
import { redisKeys } from './store/redis/keys';
import { openRedisProbe } from './store/redis/readinessProbe';
import { RedisKeyValueCache } from './store/redis/redisKeyValueCache';
import { RedisMentionScrub } from './store/redis/redisMentionScrub';
import { RedisPubSub } from './store/redis/redisPubSub';
import { RedisStaleCache } from './store/redis/redisStaleCache';
import { RedisWindowCounter } from './store/redis/redisWindowCounter';
import { collections, ensureCollections } from './store/mongo/collections';
import { connectMongo, pingMongo, type MongoDatabase } from './store/mongo/connection';
import { MongoIdentityGraphStore } from './store/mongo/mongoIdentityGraphStore';
import { MongoPersonalTraitKeyStore } from './store/mongo/mongoPersonalTraitKeyStore';
import { MongoPersonDataStore } from './store/mongo/mongoPersonDataStore';
import { createPostgresPool } from './store/postgres/connection';
import { migrate } from './store/postgres/migrations';
import { PostgresOrderStore } from './store/postgres/postgresOrderStore';
import { MongoSegmentMembership } from './store/mongo/mongoSegmentMembership';
import { MongoSegmentStore } from './store/mongo/mongoSegmentStore';
import { MongoSettingsStore } from './store/mongo/mongoSettingsStore';

export interface App {
  services: Services;
  /** The store's database: for tests, benchmarks and tools that inspect what was written. */
  db: MongoDatabase;
  gateway: Gateway;
  /** Stops the gateway gracefully, then closes every connection. */
  close(): Promise<void>;
}

/**
 * Wires a gateway to real services: the MongoDB-compatible store, Redis for pub/sub and
 * readiness. Used by `npm start`, the demo and the tests alike.
 */
export async function createApp(
  config: Config,
  logger: Logger,
  options: { database?: string } = {},
): Promise<App> {
  const mongo = await connectMongo(config.mongo.uri, options.database);
  const cols = collections(mongo.db);
  await ensureCollections(mongo.db);
  const store = new MongoIdentityGraphStore(cols);
  const keys = redisKeys(mongo.db.databaseName);
  const pubsub = new RedisPubSub(config.redis.url, keys, logger);
  const redisProbe = await openRedisProbe(config.redis.url, logger);

  // The transactional source. Its being down must not stop the gateway: profile reads
  // fall back to cached answers, so the schema is migrated in the background until it works.
  const pg = createPostgresPool({
    url: config.postgres.url,
    schema: config.postgres.schema,
    statementTimeoutMs: Math.max(
      config.sources.timeouts.orders ?? config.sources.defaultTimeoutMs,
      5_000,
    ),
  });
  const migrated = migrateUntilDone(() => migrate(pg, config.postgres.schema), logger);
  await Promise.race([migrated.done, delay(5_000)]);
  // Source answers are cached per database, like everything else a test or tenant owns.
  const cacheRedis = redisConnection(config.redis.url, 'cache');
  cacheRedis.on('error', () => undefined); // a cache outage only means nothing to fall back to
  const staleCache = new RedisStaleCache(cacheRedis, keys, config.sources.cacheTtlSeconds);

  const jobs = new JobQueues(config.redis.url, keys, logger);
  const erasureRedis = redisConnection(config.redis.url, 'erasure');
  erasureRedis.on('error', (err) => logger.warn({ err }, 'privacy redis connection error'));
  const services = createServices({
    config,
    logger,
    store,
    orderStore: new PostgresOrderStore(pg),
    pg,
    staleCache,
    pubsub,
    jobs,
    settings: new MongoSettingsStore(cols),
    personalTraitKeys: new MongoPersonalTraitKeyStore(cols),
    segmentStore: new MongoSegmentStore(cols),
    segmentMembership: new MongoSegmentMembership(cols),
    personData: new MongoPersonDataStore(cols),
    mentionScrub: new RedisMentionScrub(erasureRedis, keys, jobs),
  });
  // Event batches whose writer died mid-way are finished by whichever process looks first.
  const recoverEvents = () =>
    services.events
      .recoverAbandoned(logger)
      .catch((err: unknown) => logger.warn({ err }, 'event batch recovery failed; will retry'));
  void recoverEvents();
  const recovery = setInterval(() => void recoverEvents(), 60_000);
  recovery.unref();

  const rateLimit = config.auth.rateLimitPerMinute;
  const metrics = new Metrics();
  metrics.watchSources(services.sources.all);
  metrics.watchQueues([jobs.enrichment, jobs.segmentRefresh, jobs.webhooks, jobs.identity]);
  const gateway = await createGateway(
    services,
    [
      { name: 'mongodb', check: () => pingMongo(mongo.db) },
      { name: 'redis', check: () => redisProbe.check() },
    ],
    {
      rateLimiter:
        rateLimit > 0
          ? new RateLimiter(new RedisWindowCounter(cacheRedis, keys), rateLimit, logger)
          : null,
      metrics,
      authFailureLimiter:
        config.auth.failuresPerMinute > 0
          ? new RateLimiter(
              new RedisWindowCounter(cacheRedis, keys),
              config.auth.failuresPerMinute,
              logger,
            )
          : null,
      apqCache: new RedisKeyValueCache(cacheRedis, keys, logger),
    },
  );

  return {
    services,
    db: mongo.db,
    gateway,
    async close() {
      await gateway.stop();
      clearInterval(recovery);
      migrated.cancel();
      await jobs.close();
      await services.matching?.close();
      erasureRedis.disconnect();
      await pubsub.close();
      redisProbe.close();
      cacheRedis.disconnect();
      await pg.end();
      await mongo.close();
    },
  };
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Runs `step` until it succeeds, every few seconds, logging each failure once. */
function migrateUntilDone(
  step: () => Promise<unknown>,
  logger: Logger,
): { done: Promise<void>; cancel(): void } {
  let cancelled = false;
  const done = (async () => {
    for (let attempt = 1; !cancelled; attempt++) {
      try {
        await step();
        return;
      } catch (err) {
        logger.error({ err, attempt }, 'PostgreSQL schema migration failed; retrying in 5 s');
        await delay(5_000);
      }
    }
  })();
  return { done, cancel: () => void (cancelled = true) };
}
