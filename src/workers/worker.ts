import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config/env';
import { IdentifierPolicy } from '../identity/identifierPolicy';
import { IdentityGraph } from '../identity/identityGraph';
import { MatchingService } from '../matching/matchingService';
import { collections, ensureCollections } from '../store/mongo/collections';
import { connectMongo } from '../store/mongo/connection';
import { MongoIdentityGraphStore } from '../store/mongo/mongoIdentityGraphStore';
import { MongoPersonDataStore } from '../store/mongo/mongoPersonDataStore';
import { createPostgresPool } from '../store/postgres/connection';
import { openMatchingStores } from '../store/postgres/matchingStores';
import { PostgresOrderStore } from '../store/postgres/postgresOrderStore';
import { PostgresPersonMatchData } from '../store/postgres/postgresPersonMatchData';
import { MongoRfmStore } from '../store/mongo/mongoRfmStore';
import { MongoSegmentMembership } from '../store/mongo/mongoSegmentMembership';
import { MongoSegmentStore } from '../store/mongo/mongoSegmentStore';
import { PrivacyService } from '../privacy/privacyService';
import { announceProfileChanges } from '../profiles/profileUpdates';
import { SegmentDefinitions } from '../segments/segmentDefinitions';
import { JobQueues } from '../store/queues/jobQueues';
import { runJobs } from '../store/queues/jobRunner';
import { redisConnection } from '../store/redis/connections';
import { redisKeys } from '../store/redis/keys';
import { RedisMentionScrub } from '../store/redis/redisMentionScrub';
import { RedisPubSub } from '../store/redis/redisPubSub';
import { EnrichmentProcessor } from './enrichmentProcessor';
import { QUEUES } from './queues';
import { RefreshProcessor } from './refreshProcessor';
import { WebhookDelivery } from './webhookDelivery';

export interface WorkerApp {
  enrichment: EnrichmentProcessor;
  /** This process's identity graph: merges made through it are this worker's. */
  graph: IdentityGraph;
  matching: MatchingService;
  refresh: RefreshProcessor;
  webhooks: WebhookDelivery;
  queues: JobQueues;
  /** Stops taking jobs, lets the running ones finish, then closes every connection. */
  close(): Promise<void>;
}

/**
 * A worker process (`npm run worker`): consumes the job queues. Any number may run, on
 * any machine that reaches Redis, the store and PostgreSQL; BullMQ hands each job to one
 * of them, and a job whose worker died is retried by another once its lock expires.
 */
export async function createWorkerApp(
  config: Config,
  logger: Logger,
  options: { database?: string; concurrency?: number; now?: () => Date } = {},
): Promise<WorkerApp> {
  const mongo = await connectMongo(config.mongo.uri, options.database);
  await ensureCollections(mongo.db);
  const cols = collections(mongo.db);
  const store = new MongoIdentityGraphStore(cols);
  const pg = createPostgresPool({
    url: config.postgres.url,
    schema: config.postgres.schema,
    statementTimeoutMs: 30_000,
  });
  const keys = redisKeys(mongo.db.databaseName);
  const queues = new JobQueues(config.redis.url, keys, logger);
  const segments = new SegmentDefinitions(new MongoSegmentStore(cols));
  const pubsub = new RedisPubSub(config.redis.url, keys, logger);
  const enrichment = new EnrichmentProcessor({
    store,
    orderStore: new PostgresOrderStore(pg),
    policy: new IdentifierPolicy(config.identity),
    membership: new MongoSegmentMembership(cols),
    rfm: new MongoRfmStore(cols),
    segments,
    pubsub,
    queues,
    now: options.now,
  });
  const refresh = new RefreshProcessor({
    membership: new MongoSegmentMembership(cols),
    rfm: new MongoRfmStore(cols),
    segments,
    queues,
    now: options.now,
  });
  const webhooks = new WebhookDelivery(segments);
  // Merges made here (retraining's rematch, later matching, accepted reviews) are enriched
  // and announced to profileUpdated subscribers like a gateway's.
  const graph = new IdentityGraph(store, undefined, {
    profileChanged: announceProfileChanges({ enrich: (ids) => queues.enrich(ids), pubsub, logger }),
  });
  const matching = new MatchingService({
    stores: openMatchingStores(pg, logger),
    graph,
    store,
    thresholds: {
      merge: config.identity.matching.mergeThreshold,
      review: config.identity.matching.reviewThreshold,
    },
    logger,
    onTrainingDue: () => void queues.train(),
  });
  const erasureRedis = redisConnection(config.redis.url, 'erasure');
  erasureRedis.on('error', (err) => logger.warn({ err }, 'privacy redis connection error'));
  const privacy = new PrivacyService({
    store,
    personData: new MongoPersonDataStore(cols),
    matchData: new PostgresPersonMatchData(pg),
    orderStore: new PostgresOrderStore(pg),
    policy: new IdentifierPolicy(config.identity),
    graph,
    pubsub,
    jobs: queues,
    scrub: new RedisMentionScrub(erasureRedis, keys, queues),
    sweepDelayMs: config.privacy.erasureSweepDelayMs,
    logger,
  });
  await queues.scheduleRefresh(config.workers.segmentRefreshMs);
  const runner = runJobs(
    config.redis.url,
    keys,
    {
      [QUEUES.enrichment]: {
        run: (job) => enrichment.process(job.profileId, job.reason),
        workerName: config.workers.name ?? `${hostname()}:${process.pid}`,
        concurrency: options.concurrency ?? 4,
        lockMs: config.workers.lockMs,
        stalledCheckMs: config.workers.lockMs,
      },
      // One refresh at a time per process; BullMQ runs each scheduled refresh once overall.
      [QUEUES.segmentRefresh]: { run: () => refresh.refresh(), concurrency: 1 },
      [QUEUES.webhooks]: { run: (job) => webhooks.deliver(job), concurrency: 8 },
      // Training is rare and heavy: one at a time per process (and BullMQ dedupes the queue).
      [QUEUES.identity]: {
        run: async (job) => {
          if (job.kind === 'train') return matching.trainer.trainAndRematch();
          if (job.kind === 'erase-sweep') return privacy.sweep(job.erasureId);
          // Matching failed after the record was indexed (it is then noted as decided), or
          // before: either way it is matched in full here.
          const indexed = await matching.index.get(job.recordId);
          if (indexed !== null) return matching.matcher.rematch(indexed);
          const record = (await store.getRecords([job.recordId])).get(job.recordId);
          if (record === undefined) return null; // erased since
          return matching.matcher.onRecord(record._id, record.profileId, record.traits);
        },
        concurrency: 1,
        lockMs: Math.max(config.workers.lockMs, 120_000),
      },
    },
    logger,
  );

  let closed: Promise<void> | null = null;
  return {
    enrichment,
    graph,
    matching,
    refresh,
    webhooks,
    queues,
    close() {
      closed ??= (async () => {
        await runner.close();
        await queues.close();
        await matching.close();
        erasureRedis.disconnect();
        await pubsub.close();
        await pg.end();
        await mongo.close();
      })();
      return closed;
    },
  };
}
