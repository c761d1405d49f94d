import type { Logger } from 'pino';
import type { AuditTrail } from '../audit/auditLog';
import type { ApiKeyRecords } from '../auth/apiKeys';
import type { SettingsStore } from '../auth/opaqueIds';
import type { Config } from '../config/env';
import type { RfmStore } from '../enrichment/rfmStore';
import type { KeyValueCache } from '../http/persistedQueries';
import type { WindowCounter } from '../http/rateLimiter';
import { READINESS_TIMEOUT_MS, type ReadinessCheck } from '../http/readiness';
import type { MatchingStores } from '../matching/matchingService';
import type { PersonMatchDataStore } from '../matching/personMatchData';
import type { OrderStore } from '../orders/orderStore';
import type { MentionScrub } from '../privacy/mentionScrub';
import type { ProfileHotTier, StoredGoldDocuments } from '../profiles/goldDocuments';
import { MongoGoldDocuments } from './mongo/mongoGoldDocuments';
import type { PersonalTraitKeyStore } from '../profiles/personalTraits';
import type { PubSub } from '../pubsub/pubSub';
import type { SegmentMembership } from '../segments/segmentMembership';
import type { SegmentStore } from '../segments/segmentStore';
import type { ClusteringStore } from '../clustering/clusteringStore';
import type { SegmentHealthStore } from '../segments/healthStore';
import { MongoSegmentHealthStore } from './mongo/mongoSegmentHealthStore';
import { MongoClusteringStore } from './mongo/mongoClusteringStore';
import type { StaleCache } from '../sources/staleCache';
import type { IdentityGraphStore } from './identityGraphStore';
import { detectCapabilities, type StoreCapabilities } from './mongo/capabilities';
import { collections, ensureCollections, type Collections } from './mongo/collections';
import {
  connectMongo,
  pingMongo,
  type MongoConnection,
  type MongoDatabase,
} from './mongo/connection';
import { MongoIdentityGraphStore } from './mongo/mongoIdentityGraphStore';
import { MongoPersonalTraitKeyStore } from './mongo/mongoPersonalTraitKeyStore';
import { MongoPersonDataStore } from './mongo/mongoPersonDataStore';
import { MongoRfmStore } from './mongo/mongoRfmStore';
import { MongoSegmentMembership } from './mongo/mongoSegmentMembership';
import { MongoSegmentStore } from './mongo/mongoSegmentStore';
import { MongoSettingsStore } from './mongo/mongoSettingsStore';
import type { PersonDataStore } from './personDataStore';
import { createPostgresPool, pingPostgres, quoteIdent, type Pool } from './postgres/connection';
import { openMatchingStores } from './postgres/matchingStores';
import { migrate } from './postgres/migrations';
import { PostgresApiKeys } from './postgres/postgresApiKeys';
import { PostgresAuditTrail } from './postgres/postgresAuditTrail';
import { PostgresBronzeEvents } from './postgres/postgresBronzeEvents';
import type { BronzeEvents } from '../ingest/bronzeEvents';
import { PostgresOrderStore } from './postgres/postgresOrderStore';
import { PostgresPersonMatchData } from './postgres/postgresPersonMatchData';
import { JobQueues } from './queues/jobQueues';
import { redisConnection } from './redis/connections';
import { redisKeys, type RedisKeys } from './redis/keys';
import { openRedisProbe, type RedisProbe } from './redis/readinessProbe';
import { RedisHotTier } from './redis/redisHotTier';
import { RedisKeyValueCache } from './redis/redisKeyValueCache';
import { RedisMentionScrub } from './redis/redisMentionScrub';
import { RedisPubSub } from './redis/redisPubSub';
import { RedisStaleCache } from './redis/redisStaleCache';
import { RedisWindowCounter } from './redis/redisWindowCounter';

/** What a process asks of its stores; the composition root decides per kind of process. */
export interface StoreOptions {
  /** The MongoDB database (default: the one in MONGODB_URI); also names the Redis keys. */
  database?: string;
  /** PostgreSQL statement timeout: a gateway's is bounded by its source timeout. */
  pgStatementTimeoutMs: number;
  /**
   * `background`: a gateway starts without PostgreSQL (reads fall back to cached answers)
   * and migrates once it answers, waiting 5 s at most; `now`: migrated before returning.
   */
  migrate: 'background' | 'now';
  /** Open the BullMQ queues (gateways and workers); tools run without. */
  queues: boolean;
  /** Open the fail-fast Redis probe `/readyz` needs (gateways only). */
  readiness: boolean;
  /** A request waits at most 500 ms on the cache (`cache`), a tool as long as it takes. */
  cache: 'cache' | 'toolCache';
  /** Count commands sent to MongoDB (benchmarks). */
  countStoreCommands?: boolean;
}

/**
 * Every store adapter of one process, opened together: the only place where MongoDB,
 * PostgreSQL, Redis and BullMQ are connected. Each member is typed by the interface its
 * domain declares, so nothing above `src/store/` sees a driver.
 */
export interface Stores {
  /** The MongoDB database's name (Redis keys and channels are under it too). */
  database: string;
  /** The database itself, for tests, benchmarks and tools that inspect what was written. */
  db: MongoDatabase;
  redisKeys: RedisKeys;
  identityGraph: IdentityGraphStore;
  personData: PersonDataStore;
  settings: SettingsStore;
  personalTraitKeys: PersonalTraitKeyStore;
  segments: SegmentStore;
  segmentMembership: SegmentMembership;
  clusterings: ClusteringStore;
  segmentHealth: SegmentHealthStore;
  rfm: RfmStore;
  orders: OrderStore;
  matching: MatchingStores;
  personMatchData: PersonMatchDataStore;
  apiKeys: ApiKeyRecords;
  auditTrail: AuditTrail;
  pubsub: PubSub;
  staleCache: StaleCache;
  mentionScrub: MentionScrub;
  /** Accepted events before resolution (PostgreSQL, a pool of its own). */
  bronze: BronzeEvents;
  /** Gold profile documents in the store, behind the hot tier. */
  goldDocuments: StoredGoldDocuments;
  /** The profile hot tier; null when the deployment runs without (MOSAIC_HOT_TIER=off). */
  hotTier: ProfileHotTier | null;
  /** The job queues; null in tools. */
  jobs: JobQueues | null;
  /** A rate-limit counter over the shared cache connection. */
  windowCounter(): WindowCounter;
  /** Persisted-query registrations, shared by every gateway. */
  persistedQueryCache(logger: Logger): KeyValueCache;
  /**
   * For /readyz and `operationsStatus`: MongoDB and Redis answer (Redis only when opened
   * with `readiness`); PostgreSQL answers, reported without gating readiness.
   */
  readiness: ReadinessCheck[];
  /** Commands sent to MongoDB so far (0 unless counted). */
  storeCommands(): number;
  /** The same, by `<command> <collection>` (e.g. `find profiles`), to see what a path costs. */
  storeCommandsByKind(): Map<string, number>;
  /** Drops this process's database and PostgreSQL schema (scratch runs). */
  drop(): Promise<void>;
  /** Closes every connection (the queues first: closing waits for nothing else). */
  close(): Promise<void>;
}

/** Segment definitions, memberships, clusterings and health: all in the document store. */
function segmentStores(
  cols: Collections,
  capabilities: StoreCapabilities,
): Pick<Stores, 'segments' | 'segmentMembership' | 'clusterings' | 'segmentHealth'> {
  return {
    segments: new MongoSegmentStore(cols),
    segmentMembership: new MongoSegmentMembership(cols, capabilities),
    clusterings: new MongoClusteringStore(cols),
    segmentHealth: new MongoSegmentHealthStore(cols),
  };
}

export async function openStores(
  config: Config,
  logger: Logger,
  options: StoreOptions,
): Promise<Stores> {
  const mongo = await connectMongo(config.mongo.uri, options.database, {
    monitorCommands: options.countStoreCommands === true,
  });
  const counted = options.countStoreCommands ? countCommands(mongo.client) : null;
  const capabilities = await detectCapabilities(mongo.db);
  await ensureCollections(mongo.db, capabilities);
  const cols = collections(mongo.db);
  const { pg, bronzePg, migrated } = await openPostgres(config, logger, options);
  const keys = redisKeys(mongo.db.databaseName);
  const probe = options.readiness ? await openRedisProbe(config.redis.url, logger) : null;
  const cacheRedis = redisConnection(config.redis.url, options.cache);
  cacheRedis.on('error', () => undefined); // a cache outage only means nothing to fall back to
  const hotRedis = config.hotTier.enabled ? redisConnection(config.redis.url, 'hot') : null;
  hotRedis?.on('error', () => undefined); // reads go to the store; fences are retried
  const erasureRedis = redisConnection(config.redis.url, 'erasure');
  erasureRedis.on('error', (err) => logger.warn({ err }, 'privacy redis connection error'));
  const pubsub = new RedisPubSub(config.redis.url, keys, logger);
  const jobs = options.queues ? new JobQueues(config.redis.url, keys, logger) : null;
  const matching = openMatchingStores(pg, logger);
  return {
    database: mongo.db.databaseName,
    db: mongo.db,
    redisKeys: keys,
    identityGraph: new MongoIdentityGraphStore(cols, capabilities),
    personData: new MongoPersonDataStore(cols),
    settings: new MongoSettingsStore(cols),
    personalTraitKeys: new MongoPersonalTraitKeyStore(cols),
    ...segmentStores(cols, capabilities),
    rfm: new MongoRfmStore(cols),
    orders: new PostgresOrderStore(pg),
    matching,
    personMatchData: new PostgresPersonMatchData(pg),
    apiKeys: new PostgresApiKeys(pg),
    auditTrail: new PostgresAuditTrail(pg),
    bronze: new PostgresBronzeEvents(bronzePg),
    pubsub,
    staleCache: new RedisStaleCache(cacheRedis, keys, config.sources.cacheTtlSeconds),
    mentionScrub: new RedisMentionScrub(erasureRedis, keys, jobs),
    goldDocuments: new MongoGoldDocuments(
      cols.goldProfiles,
      config.hotTier.ttlSeconds,
      capabilities.batchedIdLookups,
    ),
    hotTier: hotRedis && new RedisHotTier(hotRedis, keys, config.hotTier.ttlSeconds),
    jobs,
    windowCounter: () => new RedisWindowCounter(cacheRedis, keys),
    persistedQueryCache: (log) => new RedisKeyValueCache(cacheRedis, keys, log),
    readiness: readinessChecks(mongo.db, probe, pg),
    storeCommands: () => counted?.total() ?? 0,
    storeCommandsByKind: () => counted?.byKind() ?? new Map<string, number>(),
    async drop() {
      await mongo.db.dropDatabase().catch(() => undefined);
      await pg
        .query(`DROP SCHEMA IF EXISTS ${quoteIdent(config.postgres.schema)} CASCADE`)
        .catch(() => undefined);
    },
    async close() {
      migrated?.cancel();
      await jobs?.close();
      // Buffered term counts are written before the pool closes.
      await matching.index.terms.close();
      erasureRedis.disconnect();
      hotRedis?.disconnect();
      await pubsub.close();
      probe?.close();
      cacheRedis.disconnect();
      await Promise.all([pg.end(), bronzePg.end()]);
      await mongo.close();
    },
  };
}

/**
 * What `/readyz` and `operationsStatus` check: the store and Redis decide readiness;
 * PostgreSQL is reported but never gates it, as a gateway serves profile reads without it
 * (orders fall back to cached answers, docs/limits.md) and every replica shares it.
 */
function readinessChecks(
  db: MongoDatabase,
  redisProbe: RedisProbe | null,
  pg: Pool,
): ReadinessCheck[] {
  return [
    { name: 'mongodb', check: () => pingMongo(db) },
    ...(redisProbe ? [{ name: 'redis', check: () => redisProbe.check() }] : []),
    {
      name: 'postgresql',
      check: () => pingPostgres(pg, READINESS_TIMEOUT_MS),
      required: false,
    },
  ];
}

/**
 * The PostgreSQL pool, its schema migrated: before returning (`now`), or in the background
 * until it works, waiting 5 s at most (`background`: a gateway serves without PostgreSQL).
 */
async function openPostgres(
  config: Config,
  logger: Logger,
  options: Pick<StoreOptions, 'pgStatementTimeoutMs' | 'migrate'>,
) {
  const schema = config.postgres.schema;
  const pg = createPostgresPool({
    url: config.postgres.url,
    schema,
    statementTimeoutMs: options.pgStatementTimeoutMs,
  });
  const bronzePg = openBronzePool(config);
  if (options.migrate === 'now') {
    await migrate(pg, schema);
    return { pg, bronzePg, migrated: null };
  }
  const migrated = migrateUntilDone(() => migrate(pg, schema), logger);
  await Promise.race([migrated.done, delay(5_000)]);
  return { pg, bronzePg, migrated };
}

/**
 * Bronze events get a pool of their own: ingestion never queues behind a slow profile
 * read's order query, and vice versa.
 */
function openBronzePool(config: Config) {
  return createPostgresPool({
    url: config.postgres.url,
    schema: config.postgres.schema,
    statementTimeoutMs: 30_000,
  });
}

/** Counts the commands a client sends, in all and by `<command> <collection>`. */
function countCommands(client: MongoConnection['client']) {
  let total = 0;
  const byKind = new Map<string, number>();
  client.on('commandStarted', (event) => {
    total++;
    const target: unknown = (event.command as Record<string, unknown>)[event.commandName];
    const kind = typeof target === 'string' ? `${event.commandName} ${target}` : event.commandName;
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  });
  return { total: () => total, byKind: () => new Map(byKind) };
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
