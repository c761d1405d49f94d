import { ErrorCode, MosaicError } from '../errors';
import { setTimeout as delay } from 'node:timers/promises';
import { partitionsOf, type Backlog, type BronzeEvents } from './bronzeEvents';
import type { EventIngestionService, EventInput, PreparedEvent } from './eventIngestionService';
import { laneForSize, type Lane } from './lanes';

export interface IntakeOptions {
  /** A request of more events than this is bulk work (an import): its enrichment waits. */
  liveMaxEvents: number;
  /** Waiting events beyond which new requests are refused with a retry time. */
  maxBacklog: number;
  /** How long a caller that asked to wait waits for its events to be applied. */
  waitTimeoutMs: number;
  /** What a refusal for back-pressure tells the client to wait. */
  retryAfterSeconds: number;
  /** The pipeline's lease: a worker not seen for this long is not counted alive. */
  leaseMs: number;
}

export interface PipelineStatus {
  backlog: number;
  oldestWaitingSeconds: number;
  appliedLastMinute: number;
  lagP50Seconds: number | null;
  lagP99Seconds: number | null;
  workers: { name: string; partitions: number }[];
}

export interface IntakeOutcome {
  messageId: string;
  duplicate: boolean;
  /** Applied to a profile (always false unless the caller waited). */
  applied: boolean;
  /** The profile the event was appended to, once applied. */
  profileId: string | null;
}

export interface IntakeResult {
  accepted: number;
  duplicates: number;
  /** Accepted events not applied yet when the answer was given. */
  pending: number;
  outcomes: IntakeOutcome[];
}

/** The backlog is over its bound: the caller retries after `retryAfterSeconds`. */
export class BacklogFullError extends MosaicError {
  constructor(
    readonly waiting: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      ErrorCode.RATE_LIMITED,
      `Ingestion is behind (${waiting} events waiting to be resolved); nothing of this ` +
        `request was stored. Retry in ${retryAfterSeconds} s.`,
    );
  }
}

/** How often the backlog is counted at most (a count per request would cost more than the insert). */
const BACKLOG_CHECK_MS = 250;

/**
 * The front door of event ingestion: validates the whole request, then lands it in bronze
 * in one statement and answers. Resolution happens behind it, in the pipeline
 * (`workers/resolutionPipeline.ts`); a caller that needs the resolved profile in the
 * answer waits for its events to be applied.
 */
export class EventIntake {
  private backlogChecked: { at: number; waiting: Promise<number> } | null = null;
  private readonly landedListeners: (() => void)[] = [];

  constructor(
    private readonly events: EventIngestionService,
    private readonly bronze: BronzeEvents,
    private readonly options: IntakeOptions,
  ) {}

  /** The lane of a request of `records` records (events, contacts, orders). */
  laneFor(records: number): Lane {
    return laneForSize(records, this.options.liveMaxEvents);
  }

  /** Tells a pipeline in this process that events landed (others find them by polling). */
  onLanded(listener: () => void): void {
    this.landedListeners.push(listener);
  }

  async accept(
    inputs: readonly EventInput[],
    options: { field?: string; wait?: boolean } = {},
  ): Promise<IntakeResult> {
    const prepared = this.events.validate(inputs, options.field);
    await this.refuseWhenBehind();
    const unique = new Map<string, PreparedEvent>();
    for (const e of prepared) if (!unique.has(e.messageId)) unique.set(e.messageId, e);
    const lane = this.laneFor(unique.size);
    let stored: Set<string>;
    try {
      const events = [...unique.values()];
      const partitions = partitionsOf(events);
      stored = await this.bronze.land(
        events.map((event, i) => ({ event, partition: partitions[i]!, lane })),
      );
    } catch (err) {
      throw new MosaicError(
        ErrorCode.STORE_UNAVAILABLE,
        'The event store is unavailable, so no event of this request was accepted; retry it ' +
          '(re-sending the same messageIds never stores anything twice).',
        undefined,
        { cause: err },
      );
    }

    if (stored.size > 0) for (const listener of this.landedListeners) listener();

    const counted = new Set<string>();
    const outcomes = prepared.map((e): IntakeOutcome => {
      const duplicate = !stored.has(e.messageId) || counted.has(e.messageId);
      counted.add(e.messageId);
      return { messageId: e.messageId, duplicate, applied: false, profileId: null };
    });
    const duplicates = outcomes.filter((o) => o.duplicate).length;
    const accepted = outcomes.length - duplicates;
    if (!options.wait) return { accepted, duplicates, pending: accepted, outcomes };

    const states = await this.waitForApplied([...unique.keys()]);
    for (const o of outcomes) {
      const state = states.get(o.messageId);
      o.applied = state?.applied ?? false;
      o.profileId = state?.profileId ?? null;
    }
    const pending = outcomes.filter((o) => !o.duplicate && !o.applied).length;
    return { accepted, duplicates, pending, outcomes };
  }

  /** Accepted events not yet applied, and the oldest one's accepted time. */
  backlog(): Promise<Backlog> {
    return this.bronze.backlog();
  }

  /** How far the pipeline is behind: backlog, oldest waiting event, lag over the last minute. */
  async status(): Promise<PipelineStatus> {
    const [backlog, freshness, workers] = await Promise.all([
      this.bronze.backlog(),
      this.bronze.freshness(60_000),
      this.bronze.workers(this.options.leaseMs),
    ]);
    return {
      backlog: backlog.waiting,
      oldestWaitingSeconds: backlog.oldestAcceptedAt
        ? Math.max(0, (Date.now() - backlog.oldestAcceptedAt.getTime()) / 1000)
        : 0,
      appliedLastMinute: freshness.applied,
      lagP50Seconds: freshness.p50,
      lagP99Seconds: freshness.p99,
      workers: workers.map((w) => ({ name: w.worker, partitions: w.partitions })),
    };
  }

  /** Polls until every event is applied or the wait times out; returns what it saw last. */
  private async waitForApplied(messageIds: string[]) {
    const deadline = Date.now() + this.options.waitTimeoutMs;
    let pause = 5;
    for (;;) {
      const states = await this.bronze.states(messageIds);
      const done = messageIds.every((id) => states.get(id)?.applied !== false);
      if (done || Date.now() >= deadline) return states;
      await delay(Math.min(pause, Math.max(1, deadline - Date.now())));
      pause = Math.min(pause * 2, 50);
    }
  }

  /** Refuses new work while the pipeline is more than the bound behind. */
  private async refuseWhenBehind(): Promise<void> {
    const now = Date.now();
    if (this.backlogChecked === null || now - this.backlogChecked.at > BACKLOG_CHECK_MS) {
      // Unknown (the store is down) counts as not behind: landing reports the outage.
      const waiting = this.bronze.backlog().then(
        (b) => b.waiting,
        () => 0,
      );
      this.backlogChecked = { at: now, waiting };
    }
    const waiting = await this.backlogChecked.waiting;
    if (waiting >= this.options.maxBacklog)
      throw new BacklogFullError(waiting, this.options.retryAfterSeconds);
  }
}
