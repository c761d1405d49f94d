import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { ErrorCode, MosaicError } from '../errors';
import { newId } from '../ids';
import type { BronzeEvents, BronzeRow } from '../ingest/bronzeEvents';
import type { EventIngestionService } from '../ingest/eventIngestionService';
import { inLane, type Lane } from '../ingest/lanes';
import type { ProcessMetrics } from '../observability/metrics';

export interface PipelineOptions {
  /** This worker's name in the lease tables (unique per process). */
  worker: string;
  /** How long a partition or batch stays leased to a worker that stopped renewing it. */
  leaseMs: number;
  /** Events applied per batch, at most. */
  batchSize: number;
  /** How long a lane with nothing waiting sleeps before it looks again. */
  idlePollMs: number;
  /**
   * Batches applied at once per lane, each over its own share of the partitions (so
   * order within a partition holds). Bulk work gets few: the store it shares with live
   * work serves them in turn, and an import must leave room for visitors.
   */
  concurrency: Record<Lane, number>;
  /** Applied events are kept in bronze this long (replay, audit), then pruned. */
  retentionMs: number;
}

const PRUNE_EVERY_MS = 60_000;
const PRUNE_BATCH = 5_000;
/** After a failure the store is given this long before the batch is tried again. */
const RETRY_AFTER_FAILURE_MS = 1_000;

/**
 * The resolution pipeline: applies accepted (bronze) events to profiles, in batches, in
 * arrival order per partition. Any number of workers run it; each holds a fair share of
 * the partitions under leases renewed in PostgreSQL, so one worker at a time orders a
 * partition, and a dead worker's partitions pass to the others when its leases run out.
 *
 * Exactly-once effect rests on three things: the messageId claims in the profile store
 * (an event is appended only by the writer that claimed it), a batch registered under a
 * lease before any of it is written (a dead worker's half-written batch is finished by
 * exactly one recoverer: the worker that takes the expired batch lease; until then no
 * worker applies more of the batch's partitions), and marking events applied in one
 * transaction with dropping the batch. An event applied twice (its worker died after
 * writing, before marking) finds its claim taken and changes nothing.
 *
 * Live and bulk events run in two loops, so an import's backlog never delays a visitor's
 * event by more than one live batch.
 */
export class ResolutionPipeline {
  private partitions: number[] = [];
  private readonly busy = new Map<number, number>();
  /** Batches this worker is applying: their leases are renewed with the partitions'. */
  private readonly inFlight = new Set<string>();
  private stopped = false;
  private loops: Promise<void>[] = [];
  private lastPrune = 0;
  private readonly sleepers = new Set<() => void>();

  constructor(
    private readonly bronze: BronzeEvents,
    private readonly events: EventIngestionService,
    private readonly logger: Logger,
    private readonly metrics: ProcessMetrics | null,
    private readonly options: PipelineOptions,
  ) {}

  /** Takes partitions and starts applying; returns at once. */
  start(): void {
    const slots = (lane: Lane) =>
      Array.from({ length: this.options.concurrency[lane] }, (_, slot) =>
        this.laneLoop(lane, slot),
      );
    this.loops = [this.leaseLoop(), ...slots('live'), ...slots('bulk')];
  }

  /** The partitions this worker holds now (for tests and status). */
  held(): readonly number[] {
    return this.partitions;
  }

  /** Finishes the batches in flight, then hands every lease back. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wakeUp();
    await Promise.all(this.loops);
    await this.bronze
      .releaseWorker(this.options.worker)
      .catch((err: unknown) => this.logger.warn({ err }, 'could not release pipeline leases'));
  }

  private async leaseLoop(): Promise<void> {
    let renewedAt = Date.now();
    while (!this.stopped) {
      try {
        const before = this.partitions.length;
        this.partitions = await this.bronze.leasePartitions(
          this.options.worker,
          this.options.leaseMs,
          new Set(this.busy.keys()),
        );
        await this.bronze.renewBatches(
          this.options.worker,
          [...this.inFlight],
          this.options.leaseMs,
        );
        renewedAt = Date.now();
        if (this.partitions.length !== before) {
          this.logger.info({ partitions: this.partitions }, 'pipeline partitions leased');
          this.wakeUp();
        }
        await this.recoverAbandoned();
        await this.prune();
      } catch (err) {
        this.logger.warn({ err }, 'pipeline lease renewal failed; will retry');
        // A lease not renewed in time may be another worker's by now: stop ordering it.
        if (Date.now() - renewedAt > this.options.leaseMs / 2) this.partitions = [];
      }
      await this.sleep(this.options.leaseMs / 3);
    }
  }

  /**
   * Finishes the batches that failed or whose worker died mid-write (each taken by one
   * recoverer at a time); their partitions are held back from every worker until then.
   */
  private async recoverAbandoned(): Promise<void> {
    const batches = await this.bronze.takeAbandonedBatches(
      this.options.worker,
      this.options.leaseMs,
      10,
    );
    for (const [i, batchId] of batches.entries()) {
      try {
        const appended = await this.finish(batchId);
        this.logger.warn({ batchId, appended }, 'recovered an abandoned pipeline batch');
      } catch (err) {
        // The rest taken with it go back at once too (to any worker, this one included)
        // rather than wait out a lease: their partitions are held back until recovered.
        for (const left of batches.slice(i + 1))
          await this.bronze.abandonBatch(left).catch(() => undefined);
        throw err;
      }
    }
  }

  /**
   * Finishes what a failed or dead writer left of a batch and drops it; if that fails
   * too, hands the batch back to recovery at once. Returns the events it appended.
   */
  private async finish(batchId: string): Promise<number | null> {
    try {
      const appended = await this.events.writer.recoverBatch(batchId);
      await this.bronze.dropBatch(batchId);
      return appended;
    } catch (err) {
      await this.bronze.abandonBatch(batchId).catch(() => undefined);
      throw err;
    }
  }

  private async prune(): Promise<void> {
    if (Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    const pruned = await this.bronze.prune(
      new Date(Date.now() - this.options.retentionMs),
      PRUNE_BATCH,
    );
    if (pruned > 0) this.logger.info({ pruned }, 'pruned applied bronze events');
  }

  /** Applies one lane's events of the partitions of one slot (p mod concurrency), in order. */
  private async laneLoop(lane: Lane, slot: number): Promise<void> {
    while (!this.stopped) {
      let rows: BronzeRow[] = [];
      try {
        const mine = this.partitions.filter((p) => p % this.options.concurrency[lane] === slot);
        rows = await this.bronze.waiting(mine, lane, this.options.batchSize);
        if (rows.length > 0) await this.applyBatch(rows, lane);
      } catch (err) {
        this.logger.warn({ err, lane, events: rows.length }, 'pipeline batch failed; will retry');
        await this.sleep(RETRY_AFTER_FAILURE_MS);
        // The failed batch holds its partitions back until it is finished: do it now
        // rather than at the lease loop's next turn.
        await this.recoverAbandoned().catch((e: unknown) =>
          this.logger.warn({ err: e }, 'pipeline recovery failed; will retry'),
        );
        continue;
      }
      if (rows.length === 0) await this.sleep(this.options.idlePollMs);
    }
  }

  private async applyBatch(rows: BronzeRow[], lane: Lane): Promise<void> {
    const partitions = [...new Set(rows.map((r) => r.partition))];
    for (const p of partitions) this.busy.set(p, (this.busy.get(p) ?? 0) + 1);
    try {
      const started = Date.now();
      // Everything the batch causes (enrichment of merged profiles too) goes in its lane.
      const applied: Counts = await inLane(lane, () => this.applyOrSplit(rows));
      const now = Date.now();
      this.logger.debug(
        { lane, events: rows.length, ms: now - started, ...applied },
        'applied a batch',
      );
      for (const row of rows)
        this.metrics?.pipelineLag.observe({ lane }, (now - row.acceptedAt.getTime()) / 1000);
      for (const outcome of ['applied', 'duplicate', 'failed'] as const)
        if (applied[outcome] > 0) this.metrics?.pipelineEvents.inc({ outcome }, applied[outcome]);
    } finally {
      for (const p of partitions) {
        const n = this.busy.get(p)! - 1;
        if (n === 0) this.busy.delete(p);
        else this.busy.set(p, n);
      }
    }
  }

  /**
   * Applies the batch as one; when it is refused as bad data (an event the store cannot
   * take, e.g. identifiers past a limit), applies its events one by one so that only the
   * bad one is set aside, marked applied to no profile and logged.
   */
  private async applyOrSplit(rows: BronzeRow[]): Promise<Counts> {
    const counts: Counts = { applied: 0, duplicate: 0, failed: 0 };
    try {
      await this.applyRows(rows, counts);
      return counts;
    } catch (err) {
      if (!isPermanent(err)) throw err;
      if (rows.length === 1) {
        await this.setAside(rows[0]!, err);
        counts.failed++;
        return counts;
      }
    }
    for (const row of rows) {
      const one = await this.applyOrSplit([row]);
      counts.applied += one.applied;
      counts.duplicate += one.duplicate;
      counts.failed += one.failed;
    }
    return counts;
  }

  private async setAside(row: BronzeRow, err: unknown): Promise<void> {
    const batchId = newId();
    await this.bronze.beginBatch(batchId, this.options.worker, this.options.leaseMs, [row]);
    await this.bronze.finishBatch(batchId, [{ seq: row.seq, profileId: null }]);
    this.logger.error(
      { err, messageId: row.event.messageId },
      'event set aside: it cannot be applied',
    );
  }

  private async applyRows(rows: BronzeRow[], counts: Counts): Promise<void> {
    const batchId = newId();
    await this.bronze.beginBatch(batchId, this.options.worker, this.options.leaseMs, rows);
    this.inFlight.add(batchId);
    try {
      await this.applyRegistered(batchId, rows, counts);
    } catch (err) {
      // What it wrote must be finished before any of its events is tried again: a retry
      // would find them claimed by this batch and count them applied while their appends
      // are still missing. Bad data is split up here and now, so it is finished here;
      // otherwise (the store is away) a recoverer (this worker's too) does it, and holds
      // the batch's partitions back until then. Should even abandoning fail, the batch's
      // lease runs out, with the same effect; should finishing fail, its error is not bad
      // data, and the lane loop waits for a recoverer, then retries.
      if (isPermanent(err)) await this.finish(batchId);
      else await this.bronze.abandonBatch(batchId).catch(() => undefined);
      throw err;
    } finally {
      this.inFlight.delete(batchId);
    }
  }

  private async applyRegistered(batchId: string, rows: BronzeRow[], counts: Counts): Promise<void> {
    const result = await this.events.apply(
      rows.map((r) => r.event),
      {
        batchId,
        acceptedAt: new Map(rows.map((r) => [r.event.messageId, r.acceptedAt])),
        laneOf: new Map(rows.map((r) => [r.event.messageId, r.lane])),
      },
    );
    const outcomeOf = new Map(result.outcomes.map((o) => [o.messageId, o]));
    await this.bronze.finishBatch(
      batchId,
      rows.map((r) => ({ seq: r.seq, profileId: outcomeOf.get(r.event.messageId)!.profileId })),
    );
    counts.applied += result.accepted;
    counts.duplicate += result.duplicates;
  }

  /** Cuts every sleep short: events landed in this process, leases changed, or stop. */
  wakeUp(): void {
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
  }

  private async sleep(ms: number): Promise<void> {
    if (this.stopped) return;
    let wake!: () => void;
    const cut = new Promise<void>((resolve) => (wake = resolve));
    this.sleepers.add(wake);
    await Promise.race([delay(ms, undefined, { ref: false }), cut]);
    this.sleepers.delete(wake);
  }
}

interface Counts {
  applied: number;
  duplicate: number;
  failed: number;
}

/** Bad data, not a store outage: retrying the same event would fail the same way. */
const isPermanent = (err: unknown): boolean =>
  err instanceof MosaicError &&
  (err.code === ErrorCode.BAD_USER_INPUT || err.code === ErrorCode.CONFLICT);
