import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { openMosaic } from '../compositionRoot';
import type { Config } from '../config/env';
import type { IdentityGraph } from '../identity/identityGraph';
import { BLOCKING_KEYS_VERSION } from '../matching/blockingKeys';
import type { MatchingService } from '../matching/matchingService';
import { listenForScrapes, type MetricsServer } from '../observability/metricsEndpoint';
import { ProcessMetrics } from '../observability/metrics';
import type { Services } from '../services';
import type { Stores } from '../store/openStores';
import type { JobQueues } from '../store/queues/jobQueues';
import { runJobs, type QueueConsumers } from '../store/queues/jobRunner';
import { ClusteringProcessor } from './clusteringProcessor';
import { HealthRecorder } from '../segments/healthRecorder';
import { EnrichmentProcessor } from './enrichmentProcessor';
import { QUEUES, type IdentityJob } from './queues';
import { RefreshProcessor } from './refreshProcessor';
import type { ResolutionPipeline } from './resolutionPipeline';
import { WebhookDelivery } from './webhookDelivery';
import { inLane, yieldToLive } from '../ingest/lanes';

export interface WorkerApp {
  enrichment: EnrichmentProcessor;
  /** This process's identity graph: merges made through it are this worker's. */
  graph: IdentityGraph;
  /** Null when matching is switched off (MOSAIC_MATCHING=off). */
  matching: MatchingService | null;
  refresh: RefreshProcessor;
  clustering: ClusteringProcessor;
  /** Health points of segments: hourly, and after each refit. */
  health: HealthRecorder;
  webhooks: WebhookDelivery;
  /** Applies accepted events to profiles (see resolutionPipeline.ts). */
  pipeline: ResolutionPipeline;
  queues: JobQueues;
  metrics: ProcessMetrics;
  /** Where `/metrics` is served (MOSAIC_WORKER_METRICS_PORT); null: nowhere. */
  metricsServer: MetricsServer | null;
  /** Stops taking jobs, lets the running ones finish, then closes every connection. */
  close(): Promise<void>;
}

/**
 * A worker process (`npm run worker`): the composition root's services for a worker,
 * consuming the job queues. Any number may run, on any machine that reaches Redis, the
 * store and PostgreSQL; BullMQ hands each job to one of them, and a job whose worker died
 * is retried by another once its lock expires.
 */
export async function createWorkerApp(
  config: Config,
  logger: Logger,
  options: { database?: string; concurrency?: number; now?: () => Date } = {},
): Promise<WorkerApp> {
  const metrics = new ProcessMetrics();
  const mosaic = await openMosaic(config, logger, {
    kind: 'worker',
    metrics,
    pipeline: true,
    ...(options.database ? { database: options.database } : {}),
  });
  const { services, stores } = mosaic;
  const queues = stores.jobs!;
  metrics.watchQueues(queues.all());
  metrics.watchBacklog(() => stores.bronze.backlog());
  const processors = workerProcessors(config, { services, stores, queues, logger }, options.now);
  await queues.scheduleRefresh(config.workers.segmentRefreshMs);
  await queues.scheduleHealth(config.workers.segmentHealthEveryMs);
  // Each clustering's schedule, declared again: one defined while no worker ran has none.
  for (const clustering of await services.clusterings.list())
    await queues.scheduleClustering(clustering._id, clustering.refreshEveryMs);
  if (services.matching) await queues.scheduleSettling(config.identity.matching.settleEveryMs);
  // Records indexed before the blocking keys last changed are re-keyed (and matched again)
  // by the training job: asked for here, since a store that has stopped growing would not.
  if (services.matching && (await services.matching.index.hasStaleKeys(BLOCKING_KEYS_VERSION)))
    await queues.train();
  const runner = runJobs(
    config.redis.url,
    stores.redisKeys,
    consumers(config, options, processors, services, stores),
    logger,
    (queue, run) => metrics.timeJob(queue, run),
  );
  const metricsServer =
    config.workers.metricsPort === undefined
      ? null
      : await listenForScrapes(
          metrics,
          { authEnabled: config.auth.enabled, key: config.auth.metricsKey },
          { port: config.workers.metricsPort, host: config.http.host },
        );

  let closed: Promise<void> | null = null;
  return {
    ...processors,
    graph: services.graph,
    matching: services.matching,
    pipeline: mosaic.pipeline!,
    queues,
    metrics,
    metricsServer,
    close() {
      closed ??= (async () => {
        await runner.close();
        await metricsServer?.close();
        await mosaic.close();
      })();
      return closed;
    },
  };
}

/** The job processors of a worker process, over its services and stores. */
function workerProcessors(
  config: Config,
  {
    services,
    stores,
    queues,
    logger,
  }: { services: Services; stores: Stores; queues: JobQueues; logger: Logger },
  now: (() => Date) | undefined,
): Pick<WorkerApp, 'enrichment' | 'refresh' | 'clustering' | 'health' | 'webhooks'> {
  const health = new HealthRecorder({
    segments: services.segments,
    membership: stores.segmentMembership,
    health: stores.segmentHealth,
    pubsub: stores.pubsub,
    queues,
    thresholds: config.workers.segmentAlerts,
    logger,
  });
  return {
    health,
    enrichment: new EnrichmentProcessor({
      store: stores.identityGraph,
      orderStore: stores.orders,
      policy: services.policy,
      membership: stores.segmentMembership,
      rfm: stores.rfm,
      segments: services.segments,
      clusterings: services.clusterings,
      pubsub: stores.pubsub,
      queues,
      now,
    }),
    refresh: new RefreshProcessor({
      membership: stores.segmentMembership,
      rfm: stores.rfm,
      segments: services.segments,
      queues,
      now,
    }),
    clustering: new ClusteringProcessor({
      clusterings: services.clusterings,
      segments: services.segments,
      membership: stores.segmentMembership,
      queues,
      pubsub: stores.pubsub,
      health,
      logger,
      now,
    }),
    webhooks: new WebhookDelivery(services.segments),
  };
}

/** What this process runs of each queue, and how many at once. */
function consumers(
  config: Config,
  options: { concurrency?: number; now?: () => Date },
  {
    enrichment,
    refresh,
    webhooks,
    clustering,
    health,
  }: Pick<WorkerApp, 'enrichment' | 'refresh' | 'webhooks' | 'clustering' | 'health'>,
  services: Services,
  stores: Stores,
): QueueConsumers {
  return {
    [QUEUES.enrichment]: {
      // A live job holds the import's work in this process back while it runs (see lanes).
      run: (job) =>
        inLane(job.lane ?? 'live', async () => {
          await yieldToLive();
          return enrichment.process(job.profileId, job.reason);
        }),
      workerName: config.workers.name ?? `${hostname()}:${process.pid}`,
      concurrency: options.concurrency ?? 4,
      lockMs: config.workers.lockMs,
      stalledCheckMs: config.workers.lockMs,
    },
    // One refresh at a time per process; BullMQ runs each scheduled refresh once overall.
    [QUEUES.segmentRefresh]: {
      run: async (job) =>
        job.kind === 'health'
          ? (await health.record(options.now?.() ?? new Date(), 'hourly')).length
          : refresh.refresh(),
      concurrency: 1,
    },
    [QUEUES.webhooks]: { run: (job) => webhooks.deliver(job), concurrency: 8 },
    // A refit reads every profile: one at a time per process, its lock long enough for it.
    [QUEUES.clustering]: {
      run: (job) => clustering.refit(job.clusteringId, job.reason),
      concurrency: 1,
      lockMs: Math.max(config.workers.lockMs, 300_000),
    },
    // Training is rare and heavy: one at a time per process (and BullMQ dedupes the queue).
    [QUEUES.identity]: {
      run: (job) => runIdentityJob(job, services, stores),
      concurrency: 1,
      lockMs: Math.max(config.workers.lockMs, 120_000),
    },
  };
}

async function runIdentityJob(
  job: IdentityJob,
  { matching, privacy }: Services,
  stores: Stores,
): Promise<unknown> {
  if (job.kind === 'erase-sweep') return privacy.sweep(job.erasureId);
  // Matching was switched off after the job was queued: nothing to do.
  if (matching === null) return null;
  if (job.kind === 'settle') return matching.settle();
  if (job.kind === 'train') {
    // The rematch queues the new model's likely pairs: settled at once, not at the next tick.
    const trained = await matching.trainer.trainAndRematch();
    return { ...trained, settled: await matching.settle() };
  }
  // Matching failed after the record was indexed (it is then noted as decided), or
  // before: either way it is matched in full here.
  const indexed = await matching.index.get(job.recordId);
  if (indexed !== null) return matching.matcher.rematch(indexed);
  const record = (await stores.identityGraph.getRecords([job.recordId])).get(job.recordId);
  if (record === undefined) return null; // erased since
  return matching.matcher.onRecord(record._id, record.profileId, record.traits);
}
