import type { Logger } from 'pino';
import { openMosaic } from './compositionRoot';
import type { Config } from './config/env';
import { createGateway, type Gateway } from './http/gateway';
import { RateLimiter } from './http/rateLimiter';
import { Metrics } from './observability/metrics';
import type { Services } from './services';
import type { MongoDatabase } from './store/mongo/connection';

export interface App {
  services: Services;
  /** The store's database: for tests, benchmarks and tools that inspect what was written. */
  db: MongoDatabase;
  gateway: Gateway;
  /** Commands sent to the store so far (counted only when created with `countStoreCommands`). */
  storeCommands(): number;
  /** The same by `<command> <collection>`. */
  storeCommandsByKind(): Map<string, number>;
  /** Stops the gateway gracefully, then closes every connection. */
  close(): Promise<void>;
}

/**
 * A gateway (`npm start`, the demo, the tests): the composition root's services for a
 * gateway, served over HTTP and graphql-ws, with its metrics and limits.
 */
export async function createApp(
  config: Config,
  logger: Logger,
  options: { database?: string; countStoreCommands?: boolean } = {},
): Promise<App> {
  const metrics = new Metrics();
  const mosaic = await openMosaic(config, logger, {
    kind: 'gateway',
    metrics,
    countStoreCommands: options.countStoreCommands === true,
    pipeline: config.pipeline.runIn === 'gateway',
    ...(options.database ? { database: options.database } : {}),
  });
  const { services, stores } = mosaic;
  metrics.watchSources(services.sources.all);
  metrics.watchBacklog(() => stores.bronze.backlog());
  if (stores.jobs) metrics.watchQueues(stores.jobs.all());
  const limiter = (perMinute: number) =>
    perMinute > 0 ? new RateLimiter(stores.windowCounter(), perMinute, logger) : null;
  const gateway = await createGateway(services, stores.readiness, {
    rateLimiter: limiter(config.auth.rateLimitPerMinute),
    authFailureLimiter: limiter(config.auth.failuresPerMinute),
    metrics,
    apqCache: stores.persistedQueryCache(logger),
  });
  return {
    services,
    db: stores.db,
    gateway,
    storeCommands: () => stores.storeCommands(),
    storeCommandsByKind: () => stores.storeCommandsByKind(),
    async close() {
      await gateway.stop();
      await mosaic.close();
    },
  };
}
