import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from './config/env';
import type { ProcessMetrics } from './observability/metrics';
import { GoldAccess } from './profiles/goldAccess';
import {
  fencedIdentityGraphStore,
  fencedSegmentMembership,
  GoldFences,
} from './profiles/goldFences';
import { createServices, type Services } from './services';
import { openStores, type Stores } from './store/openStores';
import { ResolutionPipeline } from './workers/resolutionPipeline';

/**
 * The kinds of process, and what each starts:
 * - `gateway` (`npm start`): job queues to enqueue on, PostgreSQL migrated in the
 *   background (a gateway serves without it), a request's cache waits 500 ms at most,
 *   and abandoned event batches are finished here;
 * - `worker` (`npm run worker`): job queues to consume;
 * - `tool` (benchmarks, the identity evaluation): no queues, PostgreSQL migrated first.
 */
export type ProcessKind = 'gateway' | 'worker' | 'tool';

export interface MosaicOptions {
  kind: ProcessKind;
  /** The MongoDB database (default: MONGODB_URI's); Redis keys are named after it too. */
  database?: string;
  /**
   * A run of its own: database and PostgreSQL schema named `<label>_<random>`, so runs
   * never mix; dropped on close unless kept.
   */
  scratch?: { label: string; keep?: boolean };
  /** Where this process's metrics are kept (the gateway's or worker's registry). */
  metrics?: ProcessMetrics | null;
  onTrainingDue?: () => void;
  countStoreCommands?: boolean;
  /** Run the resolution pipeline in this process (workers; a gateway when so configured). */
  pipeline?: boolean;
}

export interface Mosaic {
  config: Config;
  stores: Stores;
  services: Services;
  /** The resolution pipeline this process runs, if it runs one. */
  pipeline: ResolutionPipeline | null;
  /** Closes the services' background work, then every connection. */
  close(): Promise<void>;
}

/**
 * The composition root: the one place a process's stores and services are put together,
 * for the gateway (`app.ts`), the worker (`workers/worker.ts`) and the tools alike. What
 * differs between them is an option here, never a second copy of the wiring.
 */
export async function openMosaic(
  config: Config,
  logger: Logger,
  options: MosaicOptions,
): Promise<Mosaic> {
  const run = options.scratch && `${options.scratch.label}_${randomUUID().slice(0, 8)}`;
  const scoped: Config = run
    ? { ...config, postgres: { ...config.postgres, schema: run } }
    : config;
  const opened = await openStores(scoped, logger, {
    database: run ? `mosaic_${run}` : options.database,
    pgStatementTimeoutMs: statementTimeoutMs(config, options.kind),
    migrate: options.kind === 'tool' ? 'now' : 'background',
    queues: options.kind !== 'tool',
    readiness: options.kind === 'gateway',
    cache: options.kind === 'gateway' ? 'cache' : 'toolCache',
    countStoreCommands: options.countStoreCommands === true,
  });
  const { stores, gold, fences } = withGoldDocuments(opened, logger, options.metrics ?? null);
  const services = createServices(stores, scoped, logger, {
    metrics: options.metrics ?? null,
    gold,
    ...(options.onTrainingDue ? { onTrainingDue: options.onTrainingDue } : {}),
  });
  const stopRecovery = options.kind === 'gateway' ? recoverEventBatches(services, logger) : null;
  const pipeline = options.pipeline
    ? startPipeline(scoped, services, stores, logger, options.metrics ?? null)
    : null;
  return {
    config: scoped,
    stores,
    services,
    pipeline,
    async close() {
      // Batches in flight finish (and are marked applied) before the stores close.
      await pipeline?.stop();
      stopRecovery?.();
      fences.close();
      if (run && !options.scratch?.keep) await stores.drop();
      await stores.close();
    },
  };
}

/**
 * A gateway's PostgreSQL statements answer profile reads (orders), so they are bounded by
 * the source's timeout (5 s at least, for migrations); a worker's and a tool's are batch work.
 */
function statementTimeoutMs(config: Config, kind: ProcessKind): number {
  if (kind === 'gateway')
    return Math.max(config.sources.timeouts.orders ?? config.sources.defaultTimeoutMs, 5_000);
  return kind === 'worker' ? 30_000 : 120_000;
}

/** Applies accepted events to profiles in this process, woken by its own landings too. */
function startPipeline(
  config: Config,
  services: Services,
  stores: Stores,
  logger: Logger,
  metrics: ProcessMetrics | null,
): ResolutionPipeline {
  const pipeline = new ResolutionPipeline(stores.bronze, services.events, logger, metrics, {
    worker: `${config.workers.name ?? `${hostname()}:${process.pid}`}:${randomUUID().slice(0, 8)}`,
    leaseMs: config.pipeline.leaseMs,
    batchSize: config.pipeline.batchSize,
    idlePollMs: config.pipeline.pollMs,
    concurrency: { live: config.pipeline.concurrency, bulk: config.pipeline.bulkConcurrency },
    retentionMs: config.pipeline.retentionMs,
  });
  services.intake.onLanded(() => pipeline.wakeUp());
  pipeline.start();
  return pipeline;
}

/** Event batches whose writer died mid-way are finished by whichever process looks first. */
function recoverEventBatches(services: Services, logger: Logger): () => void {
  const recover = () =>
    services.events
      .recoverAbandoned(logger)
      .catch((err: unknown) => logger.warn({ err }, 'event batch recovery failed; will retry'));
  void recover();
  const timer = setInterval(() => void recover(), 60_000);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Every write that changes what a gold document shows fences it, in the store and the hot
 * tier (the stores are wrapped, so every service, worker and tool of the process fences
 * alike), and profile readers read through them.
 */
function withGoldDocuments(
  stores: Stores,
  logger: Logger,
  metrics: ProcessMetrics | null,
): { stores: Stores; gold: GoldAccess; fences: GoldFences } {
  const layers = stores.hotTier ? [stores.goldDocuments, stores.hotTier] : [stores.goldDocuments];
  const fences = new GoldFences(layers, logger);
  const segmentMembership = fencedSegmentMembership(stores.segmentMembership, fences);
  const gold = new GoldAccess(
    stores.goldDocuments,
    stores.hotTier,
    fences,
    (ids) => segmentMembership.getSubjects(ids),
    {
      hot: (outcome) => metrics?.hotTierReads.inc({ outcome }),
      stored: (outcome) => metrics?.storedGoldReads.inc({ outcome }),
    },
  );
  return {
    stores: {
      ...stores,
      identityGraph: fencedIdentityGraphStore(stores.identityGraph, fences),
      segmentMembership,
    },
    gold,
    fences,
  };
}
