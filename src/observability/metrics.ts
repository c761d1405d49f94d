import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BreakerState } from '../sources/circuitBreaker';

/**
 * What `/metrics` (and the `operationsStatus` query, src/observability/operationsStatus.ts)
 * reads of a federated source (`src/sources/resilientSource.ts`).
 */
export interface WatchedSource {
  name: string;
  batches: number;
  counts: { failures: number; timeouts: number; skipped: number; staleItems: number };
  breaker: { state: BreakerState };
}

/** What `/metrics` (and `operationsStatus`) reads of a job queue (a BullMQ Queue). */
export interface WatchedQueue {
  name: string;
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

/** The job states whose counts are reported per queue, by `/metrics` and `operationsStatus`. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

export type QueueState = (typeof QUEUE_STATES)[number];

const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half-open'];

/** Operation names a client chose: kept as labels while few, so a scrape stays small. */
const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * What every Mosaic process reports at `/metrics`, gateway and worker alike: runtime
 * (CPU, memory, event-loop lag, GC), identity merges and matching decisions made here,
 * jobs run here and the queues' depths. One registry per process (per app in tests, so
 * two apps in one test process do not share counters). Labels never carry personal
 * data: routes, operation names (bounded, see `operationLabel`), operation types, queue
 * names, outcomes and error codes only.
 */
export class ProcessMetrics {
  readonly registry = new Registry();
  readonly identityMerges = new Counter({
    name: 'mosaic_identity_merges_total',
    help: 'Profiles merged into another by this process, by the merge reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly matchingDecisions = new Counter({
    name: 'mosaic_matching_decisions_total',
    help: 'Probabilistic matching decisions made by this process, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly hotTierReads = new Counter({
    name: 'mosaic_hot_tier_reads_total',
    help: 'Profile reads through the hot tier, by outcome (hit, miss, bypass while Redis is unusable)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly storedGoldReads = new Counter({
    name: 'mosaic_gold_store_reads_total',
    help: 'Profile reads of the gold documents in the store (after a hot-tier miss), by outcome (hit, miss)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: 'mosaic_job_duration_seconds',
    help: 'Time to run a job, by queue and outcome (completed or failed)',
    labelNames: ['queue', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly pipelineLag = new Histogram({
    name: 'mosaic_pipeline_lag_seconds',
    help: 'Accepted → profile-visible time of events this process applied, by lane (live, bulk)',
    labelNames: ['lane'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly pipelineEvents = new Counter({
    name: 'mosaic_pipeline_events_total',
    help: 'Events the resolution pipeline handled in this process, by outcome (applied, duplicate, failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** The bronze backlog (waiting events, oldest waiting age), asked of the store at scrape time. */
  watchBacklog(backlog: () => Promise<{ waiting: number; oldestAcceptedAt: Date | null }>): void {
    const read = () => backlog().catch(() => null);
    let last: ReturnType<typeof read> | null = null;
    // Both gauges of one scrape share one count.
    const once = () => (last ??= read().finally(() => setTimeout(() => (last = null), 100)));
    new Gauge({
      name: 'mosaic_pipeline_backlog_events',
      help: 'Accepted events not yet applied to profiles',
      registers: [this.registry],
      async collect() {
        const b = await once();
        if (b) this.set(b.waiting);
      },
    });
    new Gauge({
      name: 'mosaic_pipeline_oldest_waiting_seconds',
      help: 'Age of the oldest accepted event not yet applied (0 when none waits)',
      registers: [this.registry],
      async collect() {
        const b = await once();
        if (b)
          this.set(b.oldestAcceptedAt ? (Date.now() - b.oldestAcceptedAt.getTime()) / 1000 : 0);
      },
    });
  }

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: 'mosaic_' });
  }

  /** Times one job: `run`'s outcome is observed, and returned or rethrown unchanged. */
  async timeJob<T>(queue: string, run: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    const observe = (outcome: 'completed' | 'failed') =>
      this.jobDuration.observe({ queue, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
    try {
      const result = await run();
      observe('completed');
      return result;
    } catch (err) {
      observe('failed');
      throw err;
    }
  }

  /** Jobs per queue and state (waiting, active, delayed, failed), asked of BullMQ at scrape time. */
  watchQueues(queues: readonly WatchedQueue[]): void {
    new Gauge({
      name: 'mosaic_queue_jobs',
      help: 'Jobs in each BullMQ queue, by state',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const counts = await Promise.all(
          queues.map((q) => q.getJobCounts(...QUEUE_STATES).catch(() => null)),
        );
        queues.forEach((q, i) => {
          for (const [state, n] of Object.entries(counts[i] ?? {}))
            this.set({ queue: q.name, state }, n);
        });
      },
    });
  }

  /** The scrape: Prometheus text format. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** A gateway's metrics: the process's, plus HTTP, GraphQL, graphql-ws and the federated sources. */
export class Metrics extends ProcessMetrics {
  readonly httpRequests = new Counter({
    name: 'mosaic_http_requests_total',
    help: 'HTTP requests answered, by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'mosaic_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route',
    labelNames: ['route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly operationDuration = new Histogram({
    name: 'mosaic_graphql_operation_duration_seconds',
    help: 'Time to execute a GraphQL operation over HTTP, by operation name and type',
    labelNames: ['operation', 'type'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly graphqlErrors = new Counter({
    name: 'mosaic_graphql_errors_total',
    help: 'GraphQL errors sent to clients (HTTP and graphql-ws), by extensions.code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  private openSockets: () => { connections: number; subscriptions: number } = () => ({
    connections: 0,
    subscriptions: 0,
  });
  // Read at scrape time from graphql-ws's own bookkeeping: a counter kept by hand would
  // drift when a socket drops without completing its subscriptions.
  readonly subscriptions = this.socketGauge(
    'mosaic_graphql_subscriptions_active',
    'Open graphql-ws subscription operations on this gateway',
    'subscriptions',
  );
  readonly wsConnections = this.socketGauge(
    'mosaic_graphql_ws_connections',
    'Open, authenticated graphql-ws connections on this gateway',
    'connections',
  );
  private readonly operationNames = new Set<string>();

  /**
   * The federated sources' batches, failures, timeouts, breaker skips and stale answers,
   * and each breaker's state, read from the sources' own running totals at scrape time.
   */
  watchSources(sources: readonly WatchedSource[]): void {
    const totals: [string, string, (s: WatchedSource) => number][] = [
      ['mosaic_source_batches_total', 'Batches sent to the source', (s) => s.batches],
      ['mosaic_source_failures_total', 'Batches that failed', (s) => s.counts.failures],
      ['mosaic_source_timeouts_total', 'Batches that timed out', (s) => s.counts.timeouts],
      [
        'mosaic_source_skipped_batches_total',
        'Batches not sent: the circuit breaker was open',
        (s) => s.counts.skipped,
      ],
      [
        'mosaic_source_stale_items_total',
        'Items answered from the stale cache instead of the source',
        (s) => s.counts.staleItems,
      ],
    ];
    for (const [name, help, read] of totals)
      new Counter({
        name,
        help,
        labelNames: ['source'] as const,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const s of sources) this.inc({ source: s.name }, read(s));
        },
      });
    new Gauge({
      name: 'mosaic_source_breaker_state',
      help: "1 for the source's current circuit-breaker state (closed, open, half-open)",
      labelNames: ['source', 'state'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const s of sources)
          for (const state of BREAKER_STATES)
            this.set({ source: s.name, state }, s.breaker.state === state ? 1 : 0);
      },
    });
  }

  private socketGauge(name: string, help: string, what: 'connections' | 'subscriptions'): Gauge {
    const read = () => this.openSockets()[what];
    return new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** Where the gauges of open graphql-ws connections and subscriptions read from. */
  countSocketsWith(read: () => { connections: number; subscriptions: number }): void {
    this.openSockets = read;
  }

  /** Counts errors by their `extensions.code` (as formatted for the client). */
  countErrors(errors: readonly { extensions?: Record<string, unknown> }[] | undefined): void {
    for (const e of errors ?? []) {
      const code = e.extensions?.code;
      this.graphqlErrors.inc({ code: typeof code === 'string' ? code : 'UNKNOWN' });
    }
  }

  /**
   * An operation name as a label: `anonymous` without one; `other` for a name that is not
   * a plain identifier, or once MAX_OPERATION_NAMES distinct names have been seen (a
   * client inventing names per request must not grow every scrape without bound).
   */
  operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'other';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_NAMES) return 'other';
    this.operationNames.add(name);
    return name;
  }
}
