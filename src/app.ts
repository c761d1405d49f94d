import { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import type { Config } from './config/env';
import { createGateway, type Gateway } from './http/gateway';
import { RedisPubSub } from './pubsub/redisPubSub';
import { createServices, type Services } from './services';
import { collections, ensureCollections } from './store/mongo/collections';
import { connectMongo, pingMongo } from './store/mongo/connection';
import { MongoIdentityGraphStore } from './store/mongo/mongoIdentityGraphStore';

export interface App {
  services: Services;
  /** The store's database: for tests, benchmarks and tools that inspect what was written. */
  db: Db;
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

  const services = createServices({ config, logger, store, pubsub });
  const gateway = await createGateway(services, [
    { name: 'mongodb', check: () => pingMongo(mongo.db) },
    { name: 'redis', check: async () => void (await redisProbe.ping()) },
  ]);

  return {
    services,
    db: mongo.db,
    gateway,
    async close() {
      await gateway.stop();
      await pubsub.close();
      redisProbe.disconnect();
      await mongo.close();
    },
  };
}
