import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { WebhookJob } from './webhookDelivery';

/** Named queues, shared by the gateways (producers) and `npm run worker` (consumers). */
export const QUEUES = {
  /** Recompute one profile's computed traits (and, with #4's segments, its memberships). */
  enrichment: 'enrichment',
  /** Run every segment's rule over all profiles (scheduled, and when a segment changes). */
  segmentRefresh: 'segment-refresh',
  /** Deliver one membership change to one webhook. */
  webhooks: 'webhooks',
  /** Probabilistic matching: retrain the model (and rematch), or match a record later. */
  identity: 'identity',
} as const;

export type IdentityJob = { kind: 'train' } | { kind: 'match'; recordId: string };

export type RefreshJob = Record<string, never>;

export interface EnrichmentJob {
  profileId: string;
  /** Why, for the membership change log: `profile changed`, `scheduled refresh` … */
  reason?: string;
}

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

/** BullMQ keys live under one prefix per store database, so tenants and tests never mix. */
export const queuePrefix = (database: string): string => `mosaic:${database}:bull`;

/** A connection BullMQ accepts for workers and queues (no per-request retry limit). */
export function bullConnection(redisUrl: string): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: null });
}

/**
 * The producer side: gateways enqueue work here. A burst of changes to one profile is one
 * job: jobs are deduplicated per profile, with at most one running and one waiting (the
 * waiting one picks up whatever changed while the first ran).
 */
export class JobQueues {
  readonly enrichment: Queue<EnrichmentJob>;
  readonly segmentRefresh: Queue<RefreshJob>;
  readonly webhooks: Queue<WebhookJob>;
  readonly identity: Queue<IdentityJob>;
  private readonly connection: Redis;

  constructor(
    redisUrl: string,
    prefix: string,
    private readonly logger: Logger,
  ) {
    this.connection = bullConnection(redisUrl);
    this.connection.on('error', (err) => logger.warn({ err }, 'job queue connection error'));
    this.enrichment = new Queue<EnrichmentJob>(QUEUES.enrichment, {
      connection: this.connection,
      prefix,
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    this.segmentRefresh = new Queue<RefreshJob>(QUEUES.segmentRefresh, {
      connection: this.connection,
      prefix,
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    this.webhooks = new Queue<WebhookJob>(QUEUES.webhooks, {
      connection: this.connection,
      prefix,
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
      prefix,
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    // Unhandled, BullMQ prints queue errors to the console; they belong in our logs.
    for (const queue of [this.enrichment, this.segmentRefresh, this.webhooks, this.identity])
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

  /** Asks for a full refresh soon (one at a time: a refresh already waiting covers it). */
  async refreshSegments(): Promise<void> {
    try {
      await this.segmentRefresh.add(
        'refresh',
        {},
        { deduplication: { id: 'refresh', keepLastIfActive: true } },
      );
    } catch (err) {
      this.logger.warn({ err }, 'could not enqueue a segment refresh');
    }
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
  async enrich(profileIds: Iterable<string>, reason = 'profile changed'): Promise<void> {
    const ids = [...new Set(profileIds)];
    if (ids.length === 0) return;
    try {
      await Promise.all(
        ids.map((profileId) =>
          this.enrichment.add(
            'enrich',
            { profileId, reason },
            { deduplication: { id: `enrich:${profileId}`, keepLastIfActive: true } },
          ),
        ),
      );
    } catch (err) {
      this.logger.warn({ err, profiles: ids.length }, 'could not enqueue enrichment');
    }
  }

  /** Asks for the match model to be retrained (one at a time: one already waiting covers it). */
  async train(): Promise<void> {
    try {
      await this.identity.add(
        'train',
        { kind: 'train' },
        { deduplication: { id: 'train', keepLastIfActive: true } },
      );
    } catch (err) {
      this.logger.warn({ err }, 'could not enqueue match-model training');
    }
  }

  /** Matches a record later (matching failed inline, e.g. PostgreSQL was down). */
  async matchLater(recordId: string): Promise<void> {
    await this.identity.add(
      'match',
      { kind: 'match', recordId },
      { deduplication: { id: `match:${recordId}` } },
    );
  }

  async close(): Promise<void> {
    await this.identity.close();
    await this.enrichment.close();
    await this.segmentRefresh.close();
    await this.webhooks.close();
    this.connection.disconnect();
  }
}
