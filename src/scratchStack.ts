import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from './config/env';
import { createServices, type Services } from './services';
import type { IdentityGraphStore } from './store/identityGraphStore';
import { collections, ensureCollections } from './store/mongo/collections';
import { connectMongo, type MongoDatabase } from './store/mongo/connection';
import { MongoIdentityGraphStore } from './store/mongo/mongoIdentityGraphStore';
import { MongoPersonalTraitKeyStore } from './store/mongo/mongoPersonalTraitKeyStore';
import { MongoPersonDataStore } from './store/mongo/mongoPersonDataStore';
import { createPostgresPool, quoteIdent, type Pool } from './store/postgres/connection';
import { migrate } from './store/postgres/migrations';
import { PostgresOrderStore } from './store/postgres/postgresOrderStore';
import { MongoSegmentMembership } from './store/mongo/mongoSegmentMembership';
import { MongoSegmentStore } from './store/mongo/mongoSegmentStore';
import { MongoSettingsStore } from './store/mongo/mongoSettingsStore';
import { redisConnection } from './store/redis/connections';
import { redisKeys } from './store/redis/keys';
import { RedisMentionScrub } from './store/redis/redisMentionScrub';
import { RedisPubSub } from './store/redis/redisPubSub';
import { RedisStaleCache } from './store/redis/redisStaleCache';

export interface ScratchStack {
  services: Services;
  store: IdentityGraphStore;
  pg: Pool;
  db: MongoDatabase;
  /** Commands sent to the store so far (counted only when opened with `countStoreCommands`). */
  storeCommands(): number;
  /** Closes every connection and, unless kept, drops the database and the schema. */
  close(): Promise<void>;
}

/**
 * The application's services over a database and a PostgreSQL schema of their own, in
 * this process, with no HTTP server and no job queues: what the identity evaluation and
 * the benchmarks drive directly. Both are named `<label>_<random>`, so runs never mix.
 */
export async function openScratchStack(
  config: Config,
  logger: Logger,
  options: {
    label: string;
    onTrainingDue?: () => void;
    keep?: boolean;
    countStoreCommands?: boolean;
  },
): Promise<ScratchStack> {
  const run = `${options.label}_${randomUUID().slice(0, 8)}`;
  const scoped: Config = { ...config, postgres: { ...config.postgres, schema: run } };
  const mongo = await connectMongo(config.mongo.uri, `mosaic_${run}`, {
    monitorCommands: options.countStoreCommands === true,
  });
  let storeCommands = 0;
  if (options.countStoreCommands) mongo.client.on('commandStarted', () => storeCommands++);
  await ensureCollections(mongo.db);
  const store = new MongoIdentityGraphStore(collections(mongo.db));
  const pg = createPostgresPool({
    url: config.postgres.url,
    schema: run,
    statementTimeoutMs: 120_000,
  });
  await migrate(pg, run);
  const keys = redisKeys(run);
  const redis = redisConnection(config.redis.url, 'toolCache');
  const erasureRedis = redisConnection(config.redis.url, 'erasure');
  erasureRedis.on('error', (err) => logger.warn({ err }, 'privacy redis connection error'));
  const pubsub = new RedisPubSub(config.redis.url, keys, logger);
  const services = createServices({
    config: scoped,
    logger,
    store,
    orderStore: new PostgresOrderStore(pg),
    pg,
    staleCache: new RedisStaleCache(redis, keys, 60),
    pubsub,
    jobs: null,
    settings: new MongoSettingsStore(collections(mongo.db)),
    personalTraitKeys: new MongoPersonalTraitKeyStore(collections(mongo.db)),
    segmentStore: new MongoSegmentStore(collections(mongo.db)),
    segmentMembership: new MongoSegmentMembership(collections(mongo.db)),
    personData: new MongoPersonDataStore(collections(mongo.db)),
    mentionScrub: new RedisMentionScrub(erasureRedis, keys, null),
    ...(options.onTrainingDue ? { onTrainingDue: options.onTrainingDue } : {}),
  });
  return {
    services,
    store,
    pg,
    db: mongo.db,
    storeCommands: () => storeCommands,
    async close() {
      await services.matching?.close();
      erasureRedis.disconnect();
      if (!options.keep) {
        await mongo.db.dropDatabase().catch(() => undefined);
        await pg.query(`DROP SCHEMA IF EXISTS ${quoteIdent(run)} CASCADE`).catch(() => undefined);
      }
      await pubsub.close();
      redis.disconnect();
      await pg.end();
      await mongo.close();
    },
  };
}
