import { createHash } from 'node:crypto';
import { identityKey } from '../identity/kinds';
import { groupBySharedKeys, type PreparedEvent } from './eventIngestionService';
import type { Lane } from './lanes';

/**
 * Bronze: every accepted event as it was validated at the door, stored durably before the
 * caller is answered, then applied to profiles by the resolution pipeline behind it.
 * The store is PostgreSQL (see docs/ingestion.md for the measurement that chose it).
 */

/** Fixed by the schema (migration 6): the unit of ordering and of work between workers. */
export const BRONZE_PARTITIONS = 32;

export interface LandingEvent {
  event: PreparedEvent;
  partition: number;
  lane: Lane;
}

export interface BronzeRow {
  seq: number;
  event: PreparedEvent;
  partition: number;
  lane: Lane;
  acceptedAt: Date;
}

/** Where an accepted event stands: waiting, or applied to a profile. */
export interface EventState {
  applied: boolean;
  /** The profile the event was appended to (null while waiting, or for a duplicate of one applied before bronze). */
  profileId: string | null;
}

export interface Backlog {
  waiting: number;
  /** Accepted time of the oldest waiting event; null when none waits. */
  oldestAcceptedAt: Date | null;
}

export interface Freshness {
  /** Events applied in the window. */
  applied: number;
  /** Accepted → applied (profile-visible), in seconds; null when none was applied. */
  p50: number | null;
  p99: number | null;
}

export interface BronzeEvents {
  /**
   * Stores the events in one statement, idempotent by messageId: returns the messageIds
   * stored now; the others were stored before (duplicates).
   */
  land(events: LandingEvent[]): Promise<Set<string>>;
  states(messageIds: string[]): Promise<Map<string, EventState>>;
  backlog(): Promise<Backlog>;
  freshness(windowMs: number): Promise<Freshness>;
  /**
   * A lane's waiting events of the given partitions, oldest first; none of a partition
   * held back by a failed or abandoned batch not yet recovered.
   */
  waiting(partitions: number[], lane: Lane, limit: number): Promise<BronzeRow[]>;
  /**
   * Registers a batch under a lease before any of it is written (see pipeline recovery),
   * with the partitions its events come from: those stay held back from `waiting` if the
   * batch fails or its worker dies, until it is recovered.
   */
  beginBatch(
    batchId: string,
    owner: string,
    leaseMs: number,
    events: { partition: number }[],
  ): Promise<void>;
  /** Marks the batch's events applied and drops the batch, in one transaction. */
  finishBatch(batchId: string, applied: { seq: number; profileId: string | null }[]): Promise<void>;
  /** Extends the leases of a worker's batches in flight (a long batch is not abandoned). */
  renewBatches(owner: string, batchIds: string[], leaseMs: number): Promise<void>;
  /**
   * Batches that failed or whose lease ran out (the worker died): atomically taken by
   * `owner`, so exactly one recoverer runs each at a time.
   */
  takeAbandonedBatches(owner: string, leaseMs: number, limit: number): Promise<string[]>;
  dropBatch(batchId: string): Promise<void>;
  /** Gives a failed batch up to recovery at once (by any worker, its own included). */
  abandonBatch(batchId: string): Promise<void>;
  /**
   * Keeps `worker` alive, renews its partitions, releases those beyond its fair share
   * (save `busy` ones, released next time) and takes free or expired ones up to it.
   * Returns the partitions it holds.
   */
  leasePartitions(worker: string, leaseMs: number, busy: ReadonlySet<number>): Promise<number[]>;
  /** Gives up every lease of a worker that stops. */
  releaseWorker(worker: string): Promise<void>;
  /** Live workers (seen within the lease) and the partitions they hold. */
  workers(leaseMs: number): Promise<{ worker: string; partitions: number }[]>;
  /** Deletes every event (applied or not) carrying one of these identity keys (erasure). */
  erase(identityKeys: string[]): Promise<number>;
  /** Deletes applied events older than `before` (retention). */
  prune(before: Date, limit: number): Promise<number>;
}

/**
 * The partition of each event of one request. An event goes by its anonymous id when it
 * has one (a browser's whole session, before and after identify, stays in order), else
 * its user id (server-side calls); events of the request that share an identifier all go
 * where the first of them goes, so they are applied in request order (an identify before
 * the user's track calls), as they were when requests were resolved synchronously.
 */
export function partitionsOf(events: readonly PreparedEvent[]): number[] {
  const partitions: number[] = [];
  const groups = groupBySharedKeys(events.map(erasureKeysOf));
  for (const group of groups) {
    const first = events[group[0]!]!;
    const key = first.input.anonymousId?.trim() || first.input.userId?.trim() || first.messageId;
    const partition = createHash('sha1').update(key).digest().readUInt32BE(0) % BRONZE_PARTITIONS;
    for (const i of group) partitions[i] = partition;
  }
  return partitions;
}

/** The identity keys an erasure finds the event by: its identifiers and its previousId. */
export function erasureKeysOf(event: PreparedEvent): string[] {
  const keys = event.identifiers.map(identityKey);
  if (event.previousId !== null)
    keys.push(`user_id:${event.previousId}`, `anonymous_id:${event.previousId}`);
  return keys;
}

/** A prepared event read back from JSON: its dates are strings there. */
export function revivePreparedEvent(json: PreparedEvent): PreparedEvent {
  const timestamp = json.input.timestamp as unknown;
  return {
    ...json,
    timestamp: new Date(json.timestamp),
    input: {
      ...json.input,
      timestamp: typeof timestamp === 'string' ? new Date(timestamp) : null,
    },
  };
}
