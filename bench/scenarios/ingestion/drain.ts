import { setTimeout as delay } from 'node:timers/promises';
import { percentile, round } from '../../lib/latency';
import { serviceRoots, type Service } from '../../lib/machineCpu';
import type { Applier, BatchLog } from './appliers';
import type { BronzeProbe } from './bronzeProbe';
import { cpuPerEvent, startCpu, type CpuPerEvent, type CpuSpent } from './cpu';

/** Waiting, running and postponed jobs of a queue (BullMQ's states). */
export interface CountedQueue {
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

/** A drain where no event is applied for this long is stuck (a store not answering). */
const STALL_MS = 120_000;

export interface BatchStats {
  batches: number;
  meanEvents: number;
  p50Ms: number;
  p99Ms: number;
  /** Batch time summed over every batch, per event (with concurrent batches, > wall time). */
  msPerEvent: number;
}

export interface DrainResult {
  workers: number;
  events: number;
  setAside: number;
  /** From the first partition taken after the gate opened to the last event applied. */
  seconds: number;
  eventsPerSecond: number;
  /** Gate opened → first worker holding partitions (not in `seconds`). */
  gateToWorkMs: number;
  /** First worker holding partitions → every worker holding its share (in `seconds`). */
  startSpreadMs: number;
  batches: BatchStats;
  cpuMsPerEvent: CpuPerEvent;
  /** Of the machine's CPU time in the phase, the share other guests took (steal). */
  stolenShare: number | null;
  /** Seconds after the backlog emptied until the enrichment jobs it caused were done. */
  enrichmentDrainedAfterSeconds: number | null;
  /** Enrichment jobs still queued when the bench stopped waiting. */
  enrichmentLeft: number;
  /**
   * CPU per event until the enrichment jobs the drain caused were done too: the whole
   * cost of the events in the workers (null: none consumes them here, or not done).
   * `cpuMsPerEvent` stops at the backlog's end, and a worker leaves more or less of its
   * enrichment behind the drain depending on how long the drain took.
   */
  cpuWithEnrichmentMsPerEvent: CpuPerEvent | null;
  problems: string[];
}

export interface PipelineOptions {
  probe: BronzeProbe;
  /** The servers' URLs, to find their processes and count their CPU. */
  services: Record<Service, string>;
  /** Starts the workers (they register, hold nothing, and wait for the gate). */
  start: () => Promise<Applier[]>;
  leaseMs: number;
  /** The enrichment queue the workers consume; null: none consumes it here. */
  enrichment: CountedQueue | null;
  enrichmentWaitMs: number;
  progress: (message: string) => void;
  timeoutMs?: number;
}

/**
 * The workers of one round, and the starting gate in front of them. `hold` leases every
 * partition to the gate (waiting until each running worker has seen it and holds none),
 * so events can be landed and timed with nothing applying them; `drain` starts the
 * workers the first time, opens the gate and times the backlog down to 0. The workers
 * stay between drains, as long-running workers do (their caches stay warm): what one
 * drain's events caused (enrichment jobs) is waited for before the next is landed.
 */
export class GatedPipeline {
  private appliers: Applier[] = [];

  constructor(private readonly options: PipelineOptions) {}

  /** The running workers (none before the first drain). */
  running(): readonly Applier[] {
    return this.appliers;
  }

  async hold(): Promise<void> {
    const { probe } = this.options;
    // Running workers could be mid-batch on a backlog: they are gated between drains only.
    if (this.appliers.length > 0 && (await probe.waiting()) > 0)
      throw new Error('the gate closes on running workers only once the backlog is empty');
    // + 1 ms: the clock comes back in whole milliseconds, seen_at has microseconds.
    const closed = new Date((await probe.closeGate()).getTime() + 1);
    // A worker drops partitions it no longer holds at its next lease renewal, in the same
    // transaction that marks it seen; a lane loop that read the old list finishes its one
    // (empty) look-up within the margin after.
    const deadline = Date.now() + 4 * this.options.leaseMs;
    while ((await probe.seenSince(closed)) < this.appliers.length) {
      if (Date.now() > deadline) throw new Error('a worker did not renew its leases in time');
      await delay(50);
    }
    await delay(300);
  }

  /**
   * One timed drain of the full backlog: from the first partition a worker takes after
   * the gate opens until the last waiting event is applied (PostgreSQL's `applied_at`).
   * `onOpen`/`onDrained` run right before the gate opens and right after the backlog empties.
   */
  async drain(
    hooks: { onOpen?: (a: Applier[]) => void; onDrained?: (a: Applier[]) => void } = {},
  ): Promise<DrainResult> {
    const { probe } = this.options;
    const timeoutMs = this.options.timeoutMs ?? 30 * 60_000;
    const waitingBefore = await probe.waiting();
    if (this.appliers.length === 0) {
      await this.hold();
      this.appliers = await this.options.start();
    }
    const appliers = this.appliers;
    const deadline = Date.now() + 60_000;
    while ((await probe.liveWorkers(this.options.leaseMs)) < appliers.length) {
      if (Date.now() > deadline) throw new Error('the workers did not register in 60 s');
      await delay(50);
    }
    const batchesBefore = appliers.map((a) => a.batches.length);
    const problemsBefore = appliers.map((a) => a.problems.length);
    const services = serviceRoots(this.options.services);
    hooks.onOpen?.(appliers);
    const opened = await probe.openGate();
    let first: Date | null = null;
    let cpu: (() => CpuSpent) | null = null;
    const pids = appliers.map((a) => a.pid).filter((p): p is number => p !== null);
    let all: Date | null = null;
    const spreadDeadline = Date.now() + 4 * this.options.leaseMs;
    while (all === null && Date.now() < spreadDeadline) {
      const held = await probe.held();
      // CPU from the first partition taken, as the time: before it nothing applies events.
      if (held.partitions > 0 && first === null) {
        first = held.at;
        cpu = startCpu(services, pids);
      }
      if (held.owners >= appliers.length && held.partitions >= 32) all = held.at;
      else await delay(10);
    }
    if (first === null || cpu === null)
      throw new Error('no worker took a partition after the gate opened');
    const drainDeadline = Date.now() + timeoutMs;
    let reported = Date.now();
    let moved = { at: Date.now(), waiting: waitingBefore };
    for (let waiting = await probe.waiting(); waiting > 0; waiting = await probe.waiting()) {
      if (waiting !== moved.waiting) moved = { at: Date.now(), waiting };
      const stalled = Date.now() - moved.at > STALL_MS;
      if (Date.now() > drainDeadline || stalled)
        throw new Error(
          `${waiting} of ${waitingBefore} events still waiting ${stalled ? `and none applied for ${STALL_MS / 1000} s` : `after ${timeoutMs / 1000} s`}; ` +
            `the workers logged: ${appliers.flatMap((a) => a.problems).join('\n') || 'nothing at warn or above'}. ` +
            'A store that stopped answering?',
        );
      if (Date.now() - reported > 15_000) {
        this.options.progress(`  … ${waiting} of ${waitingBefore} events waiting`);
        reported = Date.now();
      }
      await delay(100);
    }
    const spent = cpu();
    hooks.onDrained?.(appliers);
    const span = await probe.appliedSince(opened);
    const seconds = (span.last!.getTime() - first.getTime()) / 1000;
    const enrichment = await waitForEnrichment(
      this.options.enrichment,
      this.options.enrichmentWaitMs,
    );
    const withEnrichment = enrichment.enrichmentDrainedAfterSeconds === null ? null : cpu();
    return {
      workers: appliers.length,
      events: span.events,
      setAside: span.setAside,
      seconds,
      eventsPerSecond: span.events / seconds,
      gateToWorkMs: first.getTime() - opened.getTime(),
      startSpreadMs: all === null ? Number.NaN : all.getTime() - first.getTime(),
      batches: batchStats(appliers.flatMap((a, i) => a.batches.slice(batchesBefore[i]))),
      ...cpuPerEvent(spent, span.events),
      ...enrichment,
      cpuWithEnrichmentMsPerEvent:
        withEnrichment === null ? null : cpuPerEvent(withEnrichment, span.events).cpuMsPerEvent,
      problems: appliers.flatMap((a, i) =>
        a.problems.slice(problemsBefore[i]).map((p) => `${a.label}: ${p}`),
      ),
    };
  }

  async stop(): Promise<void> {
    await Promise.all(this.appliers.map((a) => a.stop()));
    this.appliers = [];
  }
}

async function waitForEnrichment(queue: CountedQueue | null, waitMs: number) {
  if (queue === null) return { enrichmentDrainedAfterSeconds: null, enrichmentLeft: 0 };
  const begin = Date.now();
  for (;;) {
    const counts = await queue.getJobCounts(
      'waiting',
      'active',
      'delayed',
      'prioritized',
      'waiting-children',
      'paused',
    );
    const left = Object.values(counts).reduce((a, b) => a + b, 0);
    if (left === 0)
      return { enrichmentDrainedAfterSeconds: (Date.now() - begin) / 1000, enrichmentLeft: 0 };
    if (Date.now() - begin > waitMs)
      return { enrichmentDrainedAfterSeconds: null, enrichmentLeft: left };
    await delay(250);
  }
}

export function batchStats(batches: readonly BatchLog[]): BatchStats {
  const ms = batches.map((b) => b.ms).sort((a, b) => a - b);
  const events = batches.reduce((n, b) => n + b.events, 0);
  const total = ms.reduce((a, b) => a + b, 0);
  return {
    batches: batches.length,
    meanEvents: round(events / Math.max(1, batches.length), 1),
    p50Ms: percentile(ms, 50),
    p99Ms: percentile(ms, 99),
    msPerEvent: round(total / Math.max(1, events), 3),
  };
}
