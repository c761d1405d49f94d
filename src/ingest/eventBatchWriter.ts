import { newId } from '../ids';
import type { Logger } from 'pino';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { EventDoc, PendingEventBatchDoc } from '../store/models';

export const eventLogName = (profileId: string): string => `events:${profileId}`;

/** A pending batch older than this belongs to a writer that died; a live one takes < 1 s. */
export const ABANDONED_AFTER_MS = 120_000;

/**
 * Stores attributed events in a few round trips per batch, whatever its size: a pending
 * record of the batch, the messageId claims (one insertMany; taken ids are duplicates),
 * the event-log entries (one insertMany), then the pending record is deleted. A writer
 * that dies in between leaves the pending record, and `recoverAbandoned` finishes its job.
 */
export class EventBatchWriter {
  /** Per event log, the append in progress in this process (see appendInTurn). */
  private readonly appending = new Map<string, Promise<void>>();

  constructor(private readonly store: IdentityGraphStore) {}

  /**
   * Returns the messageIds that were already stored (and so were not stored again).
   * `owned`: the batch's id is the pipeline's, which recovers it under its own lease
   * (see `ResolutionPipeline`); the age-based recovery leaves it alone.
   */
  async write(events: EventDoc[], owned?: { batchId: string }): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const batch: PendingEventBatchDoc = {
      _id: owned?.batchId ?? newId(),
      ...(owned ? { owned: true } : {}),
      // Any lower bound of the log's length will do (0 always does): it only tells
      // recovery where to start looking, so it costs no look-up here.
      events: events.map((event) => ({
        event,
        logFrom: this.store.eventLog.knownLength(eventLogName(event.profileId)) ?? 0,
      })),
      createdAt: new Date(),
    };
    await this.store.insertPendingEventBatch(batch);
    const { duplicates } = await this.store.insertEventClaims(
      events.map((e) => ({
        _id: e._id,
        profileId: e.profileId,
        receivedAt: e.receivedAt,
        batchId: batch._id,
      })),
    );
    const taken = new Set(duplicates);
    await this.appendInTurn(events.filter((e) => !taken.has(e._id)));
    await this.store.deletePendingEventBatch(batch._id);
    return taken;
  }

  /**
   * Finishes batches whose writer died: claims what is unclaimed, and appends to the logs
   * every event of the batch's own claims that its log does not hold yet.
   */
  async recoverAbandoned(logger: Logger, now = new Date()): Promise<number> {
    const batches = await this.store.listPendingEventBatches(
      new Date(now.getTime() - ABANDONED_AFTER_MS),
      50,
    );
    let recovered = 0;
    for (const batch of batches) {
      if (batch.owned) continue;
      await this.finish(batch);
      recovered++;
      logger.warn(
        { batchId: batch._id, events: batch.events.length },
        'recovered an abandoned event batch',
      );
    }
    return recovered;
  }

  /**
   * Finishes one batch whose writer died, if it left one (the pipeline's recovery, which
   * holds the batch's lease, so no other recoverer runs it at the same time). Returns the
   * number of events it appended, or null when the writer left no batch.
   */
  async recoverBatch(batchId: string): Promise<number | null> {
    const batch = await this.store.getPendingEventBatch(batchId);
    return batch === null ? null : this.finish(batch);
  }

  /** Claims what is unclaimed, appends what the batch's own claims lack, drops the record. */
  private async finish(batch: PendingEventBatchDoc): Promise<number> {
    const events = batch.events.map((e) => e.event);
    await this.store.insertEventClaims(
      events.map((e) => ({
        _id: e._id,
        profileId: e.profileId,
        receivedAt: e.receivedAt,
        batchId: batch._id,
      })),
    );
    const claims = await this.store.getEventClaims(events.map((e) => e._id));
    const ours = batch.events.filter(({ event }) => claims.get(event._id)?.batchId === batch._id);
    const logged = new Set<string>();
    for (const [log, from] of new Map(
      ours.map(({ event, logFrom }) => [eventLogName(event.profileId), logFrom]),
    )) {
      const { entries } = await this.store.eventLog.readFrom(log, from);
      for (const entry of entries) logged.add(entry.data._id);
    }
    const missing = ours.map((o) => o.event).filter((e) => !logged.has(e._id));
    await this.appendToLogs(missing);
    await this.store.deletePendingEventBatch(batch._id);
    return missing.length;
  }

  /**
   * Appends after every earlier batch of this process that touches the same logs: two
   * batches starting from the same known length would collide on every slot and fall
   * back to slow one-by-one appends. Waiting is ordered by arrival, so it cannot cycle.
   */
  private async appendInTurn(events: EventDoc[]): Promise<void> {
    const logs = [...new Set(events.map((e) => eventLogName(e.profileId)))];
    const earlier = logs.map((l) => this.appending.get(l)).filter((p) => p !== undefined);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    for (const log of logs) this.appending.set(log, mine);
    try {
      await Promise.all(earlier);
      await this.appendToLogs(events);
    } finally {
      release();
      for (const log of logs) if (this.appending.get(log) === mine) this.appending.delete(log);
    }
  }

  private async appendToLogs(events: EventDoc[]): Promise<void> {
    if (events.length === 0) return;
    await this.store.eventLog.appendMany(
      events.map((e) => ({ log: eventLogName(e.profileId), data: e })),
    );
  }
}
