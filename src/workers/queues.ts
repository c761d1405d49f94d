import type { WebhookJob } from './webhookDelivery';
import type { Lane } from '../ingest/lanes';

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
  /** Refit one clustering and refresh its cluster segments (scheduled, and on demand). */
  clustering: 'clustering',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export type IdentityJob =
  | { kind: 'train' }
  /** Merges the likely pairs waiting in the review queue (see `settleLikelyPairs`). */
  | { kind: 'settle' }
  | { kind: 'match'; recordId: string }
  /** Removes what writers in flight during an erasure added to its profiles after it. */
  | { kind: 'erase-sweep'; erasureId: string };

/** A full refresh (no kind: jobs queued before #23 have none), or a health point of every segment. */
export interface RefreshJob {
  kind?: 'refresh' | 'health';
}

export interface ClusteringJob {
  clusteringId: string;
  /** What asked, kept on the run: `scheduled`, `on demand` … */
  reason: string;
}

export interface EnrichmentJob {
  profileId: string;
  /** Why, for the membership change log: `profile changed`, `scheduled refresh` … */
  reason?: string;
  /** The lane of the work that asked (live when absent: jobs queued before lanes). */
  lane?: Lane;
}

/** What a job of each queue carries. */
export interface JobPayloads {
  [QUEUES.enrichment]: EnrichmentJob;
  [QUEUES.segmentRefresh]: RefreshJob;
  [QUEUES.webhooks]: WebhookJob;
  [QUEUES.identity]: IdentityJob;
  [QUEUES.clustering]: ClusteringJob;
}

/**
 * Work for `npm run worker`, as the rest of Mosaic asks for it. A burst of changes to one
 * profile is one enrichment: at most one runs and one waits per profile (the waiting one
 * picks up whatever changed while the first ran), and likewise one refresh and one
 * training at a time.
 */
export interface JobQueue {
  /**
   * Asks for the profiles to be enriched. Never fails the caller's write: the data is
   * stored either way, and a missed job only delays computed traits until the next change.
   */
  enrich(profileIds: Iterable<string>, reason?: string, lane?: 'live' | 'bulk'): Promise<void>;
  /** Asks for a full segment refresh soon; never fails the caller, like `enrich`. */
  refreshSegments(): Promise<void>;
  /** Asks for a clustering's refit soon (one waiting per clustering); never fails the caller. */
  refreshClustering(clusteringId: string, reason: string): Promise<void>;
  /** Refits the clustering every `everyMs` (one schedule kept); null removes its schedule. */
  scheduleClustering(clusteringId: string, everyMs: number | null): Promise<void>;
  /** Asks for the match model to be retrained; never fails the caller, like `enrich`. */
  train(): Promise<void>;
  /** Matches a record later (matching failed inline, e.g. PostgreSQL was down). */
  matchLater(recordId: string): Promise<void>;
  /** Sweeps an erasure's profiles again after `delayMs`; fails if it cannot be queued. */
  sweepErasureLater(erasureId: string, delayMs: number): Promise<void>;
  /** Queues webhook deliveries, each once even if the job recording the change is retried. */
  deliver(jobs: WebhookJob[]): Promise<void>;
}
