import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { PubSub } from '../pubsub/pubSub';
import type { SegmentMembership } from '../segments/segmentMembership';
import type { PendingAnnouncementDoc } from '../segments/segmentModels';
import { announceChanges } from './enrichmentProcessor';

export interface RelayOptions {
  /** How often the outbox is looked at. */
  everyMs: number;
  /**
   * How old a pending announcement must be before the relay takes it: a live job
   * publishes within milliseconds of recording, so one this old was left by a worker
   * that died (or could not reach Redis) in between.
   */
  graceMs: number;
  /** A change whose subject never moved past it this long is dropped (its job gave up). */
  abandonAfterMs: number;
}

export const RELAY_DEFAULTS: RelayOptions = {
  everyMs: 2_000,
  graceMs: 5_000,
  abandonAfterMs: 3_600_000,
};

const BATCH = 200;

/**
 * Publishes the segment changes whose job recorded them but died (or lost Redis) before
 * announcing them: the outbox's relay, in every worker. A change is announced only once
 * its subject shows it (the subject moved past the version the change started from, or
 * is gone with a merged-away profile), as the job would have; until then its retry (BullMQ
 * runs a dead worker's job again) may still be on its way. Several workers may relay the same change: announcements are at
 * least once, and a repeat carries the change's id.
 */
export class SegmentChangeRelay {
  private stopped = false;
  private loop: Promise<void> | null = null;
  private readonly stop$ = new AbortController();

  constructor(
    private readonly deps: { membership: SegmentMembership; pubsub: PubSub; logger: Logger },
    private readonly options: RelayOptions = RELAY_DEFAULTS,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stop$.abort();
    await this.loop;
  }

  /** One pass over the outbox; returns how many changes it announced. */
  async relayOnce(now = new Date()): Promise<number> {
    const { membership, pubsub } = this.deps;
    const pending = await membership.pendingAnnouncements(
      new Date(now.getTime() - this.options.graceMs),
      BATCH,
    );
    if (pending.length === 0) return 0;
    const subjects = await membership.getSubjects([...new Set(pending.map((p) => p.profileId))]);
    const due: PendingAnnouncementDoc[] = [];
    const abandoned: PendingAnnouncementDoc[] = [];
    for (const p of pending) {
      const subject = subjects.get(p.profileId);
      const shown = p.from.removesSubject
        ? subject === undefined || subject.version > p.from.version
        : subject !== undefined && subject.version > p.from.version;
      if (shown) due.push(p);
      else if (now.getTime() - p.createdAt.getTime() > this.options.abandonAfterMs)
        abandoned.push(p);
    }
    await announceChanges(due, pubsub);
    await membership.announced([...due, ...abandoned].map((p) => p._id));
    if (due.length > 0)
      this.deps.logger.warn({ changes: due.length }, 'relayed segment changes a job left');
    if (abandoned.length > 0)
      this.deps.logger.warn(
        { changes: abandoned.map((p) => p._id) },
        'dropped segment changes whose subject never showed them',
      );
    return due.length;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.relayOnce();
      } catch (err) {
        this.deps.logger.warn({ err }, 'segment change relay failed; will retry');
      }
      await delay(this.options.everyMs, undefined, { signal: this.stop$.signal }).catch(
        () => undefined,
      );
    }
  }
}
