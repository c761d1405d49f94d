import { Queue, type JobsOptions } from 'bullmq';
import type { Logger } from 'pino';
import {
  QUEUES,
  type ClusteringJob,
  type EnrichmentJob,
  type IdentityJob,
  type JobQueue,
  type RefreshJob,
} from '../../workers/queues';
import type { WebhookJob } from '../../workers/webhookDelivery';
import { redisConnection, type RedisClient } from '../redis/connections';
import type { RedisKeys } from '../redis/keys';
import type { JobRef, QueuedJobs } from '../redis/redisMentionScrub';

/**
 * Retried with exponential backoff (0.5 s, 1 s, 2 s …); failed jobs are kept for
 * inspection, completed ones only briefly.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3_600, count: 1_000 },
  removeOnFail: false,
};

/**
 * BullMQ runs every job without a priority before any prioritised one: live enrichments
 * carry none, bulk ones this, so a visitor's event is never queued behind an import.
 */
const BULK_PRIORITY = 100;

/** How long a write waits for Redis to accept a job it caused (see `JobQueues.enqueue`). */
const ENQUEUE_WAIT_MS = 1_000;

/**
 * The producer side, in BullMQ: gateways and workers enqueue work here. Each queue has
 * a prefix of its own whose hash tag keeps its keys in one Redis Cluster slot, as BullMQ's
 * scripts require, while different queues (and tenants) land on different slots.
 * Deduplication ids keep one job per profile waiting (see `JobQueue`).
 */
export class JobQueues implements JobQueue, QueuedJobs {
  readonly enrichment: Queue<EnrichmentJob>;
  readonly segmentRefresh: Queue<RefreshJob>;
  readonly webhooks: Queue<WebhookJob>;
  readonly identity: Queue<IdentityJob>;
  readonly clustering: Queue<ClusteringJob>;
  private readonly connection: RedisClient;

  constructor(
    redisUrl: string,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
  ) {
    this.connection = redisConnection(redisUrl, 'queue');
    this.connection.on('error', (err) => logger.warn({ err }, 'job queue connection error'));
    this.enrichment = new Queue<EnrichmentJob>(QUEUES.enrichment, {
      connection: this.connection,
      prefix: keys.queuePrefix(QUEUES.enrichment),
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    this.segmentRefresh = new Queue<RefreshJob>(QUEUES.segmentRefresh, {
      connection: this.connection,
      prefix: keys.queuePrefix(QUEUES.segmentRefresh),
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    this.webhooks = new Queue<WebhookJob>(QUEUES.webhooks, {
      connection: this.connection,
      prefix: keys.queuePrefix(QUEUES.webhooks),
      // Receivers can be down for a while: about 17 minutes of retries before giving up
      // (the failed job is kept, and can be retried by hand).
      defaultJobOptions: {
        ...DEFAULT_JOB_OPTIONS,
        attempts: 12,
        backoff: { type: 'exponential', delay: 1_000 },
      },
    });
    this.identity = new Queue<IdentityJob>(QUEUES.identity, {
      connection: this.connection,
      prefix: keys.queuePrefix(QUEUES.identity),
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    this.clustering = new Queue<ClusteringJob>(QUEUES.clustering, {
      connection: this.connection,
      prefix: keys.queuePrefix(QUEUES.clustering),
      // A refit reads every profile: a failed one waits for its schedule, or a person.
      defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, attempts: 2 },
    });
    // Unhandled, BullMQ prints queue errors to the console; they belong in our logs.
    for (const queue of this.all())
      queue.on('error', (err) => logger.warn({ err }, 'job queue error'));
  }

  /**
   * Queues deliveries. The job id is the change and the webhook: if the job that records
   * a change is retried, its deliveries are not queued twice.
   */
  async deliver(jobs: WebhookJob[]): Promise<void> {
    await Promise.all(
      jobs.map((job) =>
        this.webhooks.add('deliver', job, { jobId: `${job.payload.id}-${job.webhookId}` }),
      ),
    );
  }

  /** A health point of every segment every `everyMs` (hourly by default); BullMQ keeps one. */
  scheduleHealth(everyMs: number): Promise<unknown> {
    return this.segmentRefresh.upsertJobScheduler(
      'segment-health',
      { every: everyMs },
      { name: 'health', data: { kind: 'health' } },
    );
  }

  /** Asks for a full refresh soon (one at a time: a refresh already waiting covers it). */
  async refreshSegments(): Promise<void> {
    await this.enqueue('a segment refresh', () =>
      this.segmentRefresh.add(
        'refresh',
        {},
        { deduplication: { id: 'refresh', keepLastIfActive: true } },
      ),
    );
  }

  /** Settles likely match pairs every `everyMs`: as `scheduleRefresh`, one schedule kept. */
  scheduleSettling(everyMs: number): Promise<unknown> {
    return this.identity.upsertJobScheduler(
      'match-settling',
      { every: everyMs },
      { name: 'settle', data: { kind: 'settle' } },
    );
  }

  /** Every worker process declares the schedule; BullMQ keeps one. */
  scheduleRefresh(everyMs: number): Promise<unknown> {
    return this.segmentRefresh.upsertJobScheduler(
      'segment-refresh',
      { every: everyMs },
      { name: 'refresh', data: {} },
    );
  }

  /**
   * Asks for the profiles to be enriched. Never fails the caller's write: the data is
   * stored either way, and a missed job only delays computed traits until the next change.
   */
  async enrich(
    profileIds: Iterable<string>,
    reason = 'profile changed',
    lane: 'live' | 'bulk' = 'live',
  ): Promise<void> {
    const ids = [...new Set(profileIds)];
    if (ids.length === 0) return;
    // Each lane keeps its own waiting job per profile: a live change must not be folded
    // into a bulk job that waits behind the import (both run; enrichment is idempotent).
    const dedupPrefix = lane === 'bulk' ? 'enrich-bulk' : 'enrich';
    await this.enqueue(`enrichment of ${ids.length} profiles`, () =>
      Promise.all(
        ids.map((profileId) =>
          this.enrichment.add(
            'enrich',
            { profileId, reason, lane },
            {
              deduplication: { id: `${dedupPrefix}:${profileId}`, keepLastIfActive: true },
              ...(lane === 'bulk' ? { priority: BULK_PRIORITY } : {}),
            },
          ),
        ),
      ),
    );
  }

  /** Asks for a clustering's refit (one waiting per clustering covers any further asks). */
  async refreshClustering(clusteringId: string, reason: string): Promise<void> {
    await this.enqueue(`a refit of clustering ${clusteringId}`, () =>
      this.clustering.add(
        'refit',
        { clusteringId, reason },
        { deduplication: { id: `refit:${clusteringId}`, keepLastIfActive: true } },
      ),
    );
  }

  /** Declared when a clustering is defined (and removed when it is deleted); BullMQ keeps one. */
  async scheduleClustering(clusteringId: string, everyMs: number | null): Promise<void> {
    const id = `clustering:${clusteringId}`;
    if (everyMs === null) {
      await this.clustering.removeJobScheduler(id);
      return;
    }
    await this.clustering.upsertJobScheduler(
      id,
      { every: everyMs },
      { name: 'refit', data: { clusteringId, reason: 'scheduled' } },
    );
  }

  /** Asks for the match model to be retrained (one at a time: one already waiting covers it). */
  async train(): Promise<void> {
    await this.enqueue('match-model training', () =>
      this.identity.add(
        'train',
        { kind: 'train' },
        { deduplication: { id: 'train', keepLastIfActive: true } },
      ),
    );
  }

  /** Matches a record later (matching failed inline, e.g. PostgreSQL was down). */
  async matchLater(recordId: string): Promise<void> {
    await this.identity.add(
      'match',
      { kind: 'match', recordId },
      { deduplication: { id: `match:${recordId}` } },
    );
  }

  /**
   * Sweeps an erasure's profiles again after `delayMs`. Not bounded like `enqueue`: the
   * erasure reports failure if its sweep cannot be queued.
   */
  async sweepErasureLater(erasureId: string, delayMs: number): Promise<void> {
    await this.identity.add(
      'erase-sweep',
      { kind: 'erase-sweep', erasureId },
      { delay: delayMs, jobId: `erase-sweep-${erasureId}` },
    );
  }

  /** The queue and id of a job, from the key of its hash in Redis; null for other keys. */
  jobOf(key: string): JobRef | null {
    for (const queue of this.all()) {
      const start = `${this.keys.queuePrefix(queue.name)}:${queue.name}:`;
      if (!key.startsWith(start)) continue;
      // Job ids may contain ':' (webhook deliveries); only job hashes are asked about.
      const jobId = key.slice(start.length);
      return jobId.length > 0 ? { queue: queue.name, jobId } : null;
    }
    return null;
  }

  /** Removes a job and its logs; 'busy' when a worker holds it now (it cannot be removed). */
  async removeJob(job: JobRef): Promise<'removed' | 'busy'> {
    const queue = this.all().find((q) => q.name === job.queue);
    if (queue === undefined) return 'busy';
    try {
      await queue.remove(job.jobId);
      return (await queue.getJob(job.jobId)) ? 'busy' : 'removed';
    } catch {
      return 'busy';
    }
  }

  /** Every queue (for depth metrics, closing, and finding a job's queue). */
  all(): Queue[] {
    return [
      this.enrichment,
      this.segmentRefresh,
      this.webhooks,
      this.identity,
      this.clustering,
    ] as Queue[];
  }

  /**
   * Hands a job to Redis without ever holding up the caller's write for long: the
   * connection queues commands while Redis is away (BullMQ needs it to retry forever),
   * so an unbounded wait would hang every write through a Redis outage. After
   * `ENQUEUE_WAIT_MS` the write answers; the job is still added when Redis is back,
   * unless this process stops first (then it is lost, and logged).
   */
  private async enqueue(what: string, add: () => Promise<unknown>): Promise<void> {
    const adding = add();
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'waited'>((resolve) => {
      timer = setTimeout(() => resolve('waited'), ENQUEUE_WAIT_MS);
    });
    try {
      if ((await Promise.race([adding, waited])) === 'waited') {
        this.logger.warn(
          `Redis did not take ${what} within ${ENQUEUE_WAIT_MS} ms; queued for when it is back`,
        );
        adding.catch((err: unknown) => this.logger.warn({ err }, `could not enqueue ${what}`));
      }
    } catch (err) {
      this.logger.warn({ err }, `could not enqueue ${what}`);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.identity.close();
    await this.enrichment.close();
    await this.segmentRefresh.close();
    await this.webhooks.close();
    await this.clustering.close();
    this.connection.disconnect();
  }
}
