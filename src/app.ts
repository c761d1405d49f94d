import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config/env';
import { createGateway, type Gateway } from './http/gateway';
import { RedisKeyValueCache } from './http/persistedQueries';
import { RateLimiter } from './http/rateLimiter';
import { Metrics } from './observability/metrics';
import { StaleCache } from './sources/staleCache';
import { JobQueues, queuePrefix } from './workers/queues';
import { RedisPubSub } from './pubsub/redisPubSub';
import { createServices, type Services } from './services';
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
  const pubsub = new RedisPubSub(config.redis.url, `mosaic:${mongo.db.databaseName}:`, logger);
  // A separate connection for health checks: it must fail fast, not queue behind traffic.
  const redisProbe = new Redis(config.redis.url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: true,
  });
  redisProbe.on('error', () => undefined); // reported through /readyz
  await redisProbe
    .connect()
    .catch((err: unknown) => logger.warn({ err }, 'redis not reachable at start'));

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
  const cacheRedis = new Redis(config.redis.url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: 500,
  });
  cacheRedis.on('error', () => undefined); // a cache outage only means nothing to fall back to
  const staleCache = new StaleCache(
    cacheRedis,
    `mosaic:${mongo.db.databaseName}:`,
    config.sources.cacheTtlSeconds,
  );

  const jobs = new JobQueues(config.redis.url, queuePrefix(mongo.db.databaseName), logger);
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
    redisPrefix: `mosaic:${mongo.db.databaseName}:`,
    queuePrefix: queuePrefix(mongo.db.databaseName),
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
      { name: 'redis', check: async () => void (await redisProbe.ping()) },
    ],
    {
      rateLimiter:
        rateLimit > 0
          ? new RateLimiter(cacheRedis, `mosaic:${mongo.db.databaseName}:`, rateLimit, logger)
          : null,
      metrics,
      authFailureLimiter:
        config.auth.failuresPerMinute > 0
          ? new RateLimiter(
              cacheRedis,
              `mosaic:${mongo.db.databaseName}:`,
              config.auth.failuresPerMinute,
              logger,
            )
          : null,
      apqCache: new RedisKeyValueCache(cacheRedis, `mosaic:${mongo.db.databaseName}:`, logger),
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
      await services.privacy.close();
      await pubsub.close();
      redisProbe.disconnect();
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
