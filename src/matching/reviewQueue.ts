import type { PairScore } from './matchModel';

export type ReviewStatus = 'open' | 'accepted' | 'rejected' | 'superseded';

/** A pair scored between the thresholds, waiting for a person: merge them or not? */
export interface ReviewItem {
  id: string;
  recordId: string;
  profileId: string;
  candidateRecordId: string;
  candidateProfileId: string;
  probability: number;
  score: PairScore;
  modelVersion: number;
  status: ReviewStatus;
  createdAt: Date;
  resolvedAt: Date | null;
}

/**
 * The review queue and the pairs people rejected (`store/postgres`): at most one open
 * review per record (its best candidate), paged in creation order. Two records arriving
 * together can each find the other, and each keeps its own review (either can be replaced
 * or closed by its record's next match without losing the other's question); the queue
 * lists the pair once, and a decision closes both.
 */
export interface ReviewQueue {
  /** Opens (or replaces) the record's open review. */
  open(item: Omit<ReviewItem, 'id' | 'status' | 'createdAt' | 'resolvedAt'>): Promise<void>;
  /** Null for an id that names no review (or could not be one). */
  get(id: string): Promise<ReviewItem | null>;
  /**
   * Open reviews in creation order after `afterId`, each pair once (a review whose reverse
   * is open and older is left out); one more than `limit` tells a next page.
   */
  listOpen(afterId: string | null, limit: number): Promise<ReviewItem[]>;
  /**
   * Marks an open review resolved, and its reverse (the same pair, queued by the other
   * record) superseded, at once: the decision answers both, and two people cannot decide
   * the pair both ways. Null when the review was not open any more (resolved or
   * superseded); otherwise the reverse that was closed, if there was one.
   */
  resolve(
    id: string,
    status: 'accepted' | 'rejected',
  ): Promise<{ reverse: { id: string; recordId: string } | null } | null>;
  /**
   * Undoes `resolve` when acting on the decision failed, its reverse included. Each is left
   * closed if its record has been given a new open review meanwhile (at most one is open
   * per record).
   */
  reopen(id: string, status: 'accepted' | 'rejected', reverseId?: string): Promise<void>;
  /**
   * Closes the record's open review, if it has one, as superseded: matched again (by a
   * newer model), the record no longer puts that pair before a person.
   */
  withdraw(recordId: string): Promise<void>;
  /** Remembers that the two profiles are different people. */
  reject(profileA: string, profileB: string, reason: string): Promise<void>;
  /** Whether anyone rejected a pair across the two clusters (given as all their member ids). */
  anyRejected(membersA: string[], membersB: string[]): Promise<boolean>;
}
