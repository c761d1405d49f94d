import {
  isReady,
  READINESS_TIMEOUT_MS,
  runReadinessChecks,
  type CheckResult,
  type ReadinessCheck,
} from '../http/readiness';
import { withTimeout } from '../http/withTimeout';
import type { BreakerState } from '../sources/circuitBreaker';
import { QUEUE_STATES, type QueueState, type WatchedQueue, type WatchedSource } from './metrics';

/** A federated source's running totals and breaker, as `/metrics` reports them. */
export interface SourceHealthReport {
  name: string;
  breaker: BreakerState;
  batches: number;
  failures: number;
  timeouts: number;
  skippedBatches: number;
  staleItems: number;
}

/** Jobs in one queue, by state. */
export type QueueDepthReport = { name: string } & Record<QueueState, number>;

export interface OperationsReport {
  /** What `/readyz` would answer: every required check passed. */
  ready: boolean;
  checks: CheckResult[];
  sources: SourceHealthReport[];
  /** Only the queues whose counts Redis gave in time (the `redis` check says why not). */
  queues: QueueDepthReport[];
  at: Date;
}

/** What the report is read from: the same objects `/readyz` and `/metrics` read. */
export interface OperationsSources {
  readiness: readonly ReadinessCheck[];
  sources: readonly WatchedSource[];
  /** Empty when the process runs without job queues. */
  queues: readonly WatchedQueue[];
}

/**
 * What an operations view shows of this process at one moment: the readiness checks (run
 * as `/readyz` runs them), the federated sources' running totals and breakers, and the job
 * queues' depths (read as `/metrics` reads them). Nothing is cached or kept here: every
 * report is read live, so it always agrees with the probe and the scrape.
 */
export class OperationsStatus {
  constructor(private readonly from: OperationsSources) {}

  async report(): Promise<OperationsReport> {
    const [checks, queues] = await Promise.all([
      runReadinessChecks(this.from.readiness),
      queueDepths(this.from.queues),
    ]);
    return {
      ready: isReady(checks),
      checks,
      sources: this.from.sources.map(sourceHealth),
      queues,
      at: new Date(),
    };
  }
}

function sourceHealth(source: WatchedSource): SourceHealthReport {
  return {
    name: source.name,
    breaker: source.breaker.state,
    batches: source.batches,
    failures: source.counts.failures,
    timeouts: source.counts.timeouts,
    skippedBatches: source.counts.skipped,
    staleItems: source.counts.staleItems,
  };
}

/**
 * Each queue's counts, bounded like a readiness check: BullMQ's connection holds commands
 * while Redis is away, so an unbounded read would hang the whole report through a Redis
 * outage, exactly when an operator looks. A queue that does not answer in time is left out
 * rather than shown as empty.
 */
async function queueDepths(queues: readonly WatchedQueue[]): Promise<QueueDepthReport[]> {
  const read = (queue: WatchedQueue) =>
    withTimeout(
      queue.getJobCounts(...QUEUE_STATES),
      READINESS_TIMEOUT_MS,
      `queue ${queue.name} did not answer within ${READINESS_TIMEOUT_MS} ms`,
    ).then(
      (counts): QueueDepthReport => ({
        name: queue.name,
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
      }),
      () => null,
    );
  const depths = await Promise.all(queues.map(read));
  return depths.filter((d) => d !== null);
}
