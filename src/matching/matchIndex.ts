import type { MatchValues } from './matchFields';
import type { TermCounts } from './termCounts';

export interface IndexedRecord {
  recordId: string;
  /** The profile the record first joined; its cluster is found through merge pointers. */
  profileId: string;
  seq: number;
  values: MatchValues;
}

export type MatchOutcome = 'merged' | 'review' | 'none';

/** Candidates read per blocking key: the most recent ones, so one huge block cannot blow up a look-up. */
export const MAX_BLOCK_READ = 100;

/**
 * The blocking index (`store/postgres`): a new record finds its candidates with one
 * indexed look-up (never a scan), whatever the number of stored records. Everything in it
 * derives from the profile store's records.
 */
export interface MatchIndex {
  /** Term counts follow the index: a value counted in as it arrives, out as it changes. */
  readonly terms: TermCounts;

  /**
   * Stores the record's match values and blocking keys (replacing an earlier version
   * atomically) and counts its values. A new record is stored as decided "no match" by
   * `version` (the caller settles it otherwise); a changed one as undecided. Returns
   * whether anything changed, the record's arrival number, and whether it was new.
   */
  index(
    recordId: string,
    profileId: string,
    values: MatchValues,
    keys: string[],
    version: number,
  ): Promise<{ changed: boolean; seq: number; inserted: boolean }>;

  /**
   * Gives up to `limit` records indexed with keys older than `keysVersion` the keys
   * `keysOf` makes now, each record atomically with its key rows, and returns how many it
   * re-keyed (0: none is left). A re-keyed record that was not merged becomes undecided, so
   * the next rematch compares it with the candidates its new keys find.
   */
  rekey(
    keysVersion: number,
    keysOf: (values: MatchValues) => string[],
    limit: number,
  ): Promise<number>;
  /** Whether any record still has blocking keys older than `keysVersion`. */
  hasStaleKeys(keysVersion: number): Promise<boolean>;

  /**
   * What a record is scored with, in one round trip: the records sharing any of `keys`
   * (the latest `MAX_BLOCK_READ` per key, except `recordId` itself) and the stored counts
   * of its term-frequency values (keyed by `termKey`).
   */
  evidence(
    keys: string[],
    recordId: string,
    values: MatchValues,
  ): Promise<{ candidates: IndexedRecord[]; counts: Map<string, number> }>;

  get(recordId: string): Promise<IndexedRecord | null>;
  getMany(recordIds: string[]): Promise<Map<string, IndexedRecord>>;
  /** Every indexed record that first joined one of `profileIds`, in arrival order. */
  recordsOfProfiles(profileIds: string[]): Promise<IndexedRecord[]>;

  noteDecision(recordId: string, version: number, decision: MatchOutcome): Promise<void>;
  /**
   * A decision that leaves nothing to review (merged, or no match): noted, and the record's
   * open review, if it had one, closed as superseded, together.
   */
  settle(recordId: string, version: number, decision: 'merged' | 'none'): Promise<void>;

  /** Records indexed so far (the last arrival number: an upper bound, read without a scan). */
  size(): Promise<number>;
  /** Records whose last decision was not a merge and came from an older model, in arrival order. */
  decidedBefore(version: number, afterSeq: number, limit: number): Promise<IndexedRecord[]>;
  /** A uniform sample of records (training: random pairs estimate u), repeatable for a given seed and data. */
  sample(limit: number, seed: number): Promise<IndexedRecord[]>;
}
