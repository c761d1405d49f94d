import type { Pool } from 'pg';
import type { PairScore } from './matchModel';

/** PostgreSQL's SQLSTATE for a transaction aborted to break a deadlock. */
const DEADLOCK_DETECTED = '40P01';

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
 * The review queue and the pairs people rejected, in PostgreSQL: at most one open review
 * per record (its best candidate), paged in creation order. Two records arriving together
 * can each find the other, and each keeps its own review (either can be replaced or
 * closed by its record's next match without losing the other's question); the queue lists
 * the pair once, and a decision closes both.
 */
export class ReviewQueue {
  constructor(private readonly pool: Pool) {}

  /** Opens (or replaces) the record's open review. */
  async open(item: Omit<ReviewItem, 'id' | 'status' | 'createdAt' | 'resolvedAt'>): Promise<void> {
    await this.pool.query(
      `INSERT INTO match_reviews (record_id, profile_id, candidate_record_id, candidate_profile_id,
         probability, score, model_version, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'open')
       ON CONFLICT (record_id) WHERE status = 'open' DO UPDATE SET
         profile_id = EXCLUDED.profile_id, candidate_record_id = EXCLUDED.candidate_record_id,
         candidate_profile_id = EXCLUDED.candidate_profile_id, probability = EXCLUDED.probability,
         score = EXCLUDED.score, model_version = EXCLUDED.model_version`,
      [
        item.recordId,
        item.profileId,
        item.candidateRecordId,
        item.candidateProfileId,
        item.probability,
        item.score,
        item.modelVersion,
      ],
    );
  }

  async get(id: string): Promise<ReviewItem | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const { rows } = await this.pool.query<ReviewRow>('SELECT * FROM match_reviews WHERE id = $1', [
      id,
    ]);
    return rows[0] ? toItem(rows[0]) : null;
  }

  /**
   * Open reviews in creation order after `afterId`, each pair once (a review whose reverse
   * is open and older is left out); one more than `limit` tells a next page.
   */
  async listOpen(afterId: string | null, limit: number): Promise<ReviewItem[]> {
    const { rows } = await this.pool.query<ReviewRow>(
      `SELECT * FROM match_reviews m WHERE status = 'open' AND id > $1
         AND NOT EXISTS (
           SELECT 1 FROM match_reviews r WHERE r.status = 'open' AND r.id < m.id
             AND r.record_id = m.candidate_record_id AND r.candidate_record_id = m.record_id)
       ORDER BY id LIMIT $2`,
      [afterId ?? '0', limit],
    );
    return rows.map(toItem);
  }

  /**
   * Marks an open review resolved, and its reverse (the same pair, queued by the other
   * record) superseded, in one statement: the decision answers both, and two people cannot
   * decide the pair both ways. Null when the review was not open any more (resolved or
   * superseded); otherwise the reverse that was closed, if there was one.
   */
  async resolve(
    id: string,
    status: 'accepted' | 'rejected',
  ): Promise<{ reverse: { id: string; recordId: string } | null } | null> {
    type Row = { resolved: boolean; reverse_id: string | null; reverse_record: string | null };
    const result = await this.pool
      .query<Row>(
        `WITH decided AS (
         UPDATE match_reviews SET status = $2, resolved_at = now() WHERE id = $1 AND status = 'open'
         RETURNING record_id, candidate_record_id
       ), reverse AS (
         UPDATE match_reviews m SET status = 'superseded', resolved_at = now() FROM decided d
         WHERE m.status = 'open' AND m.record_id = d.candidate_record_id
           AND m.candidate_record_id = d.record_id
         RETURNING m.id, m.record_id
       )
       SELECT EXISTS (SELECT 1 FROM decided) AS resolved,
         (SELECT id FROM reverse) AS reverse_id, (SELECT record_id FROM reverse) AS reverse_record`,
        [id, status],
      )
      // Two people deciding a pair and its reverse at the same instant lock the two rows
      // in opposite orders; PostgreSQL aborts one, whose review the other just closed.
      .catch((err: unknown) => {
        if ((err as { code?: string }).code === DEADLOCK_DETECTED) return null;
        throw err;
      });
    const row = result?.rows[0];
    if (row === undefined || !row.resolved) return null;
    return {
      reverse:
        row.reverse_id === null ? null : { id: row.reverse_id, recordId: row.reverse_record! },
    };
  }

  /**
   * Undoes `resolve` when acting on the decision failed, its reverse included. Each is left
   * closed if its record has been given a new open review meanwhile (at most one is open
   * per record).
   */
  async reopen(id: string, status: 'accepted' | 'rejected', reverseId?: string): Promise<void> {
    // One statement each: a reverse whose record has a new open review must not keep the
    // decided one from being reopened.
    const reopenOne = (reviewId: string, was: string) =>
      this.pool
        .query(
          `UPDATE match_reviews SET status = 'open', resolved_at = NULL WHERE id = $1 AND status = $2`,
          [reviewId, was],
        )
        .catch(() => undefined);
    await reopenOne(id, status);
    if (reverseId !== undefined) await reopenOne(reverseId, 'superseded');
  }

  /** Remembers that the two profiles are different people. */
  async reject(profileA: string, profileB: string, reason: string): Promise<void> {
    const [a, b] = profileA < profileB ? [profileA, profileB] : [profileB, profileA];
    await this.pool.query(
      `INSERT INTO match_rejections (profile_a, profile_b, reason) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING`,
      [a, b, reason],
    );
  }

  /** Whether anyone rejected a pair across the two clusters (given as all their member ids). */
  async anyRejected(membersA: string[], membersB: string[]): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `SELECT 1 FROM match_rejections
       WHERE (profile_a = ANY($1) AND profile_b = ANY($2)) OR (profile_a = ANY($2) AND profile_b = ANY($1))
       LIMIT 1`,
      [membersA, membersB],
    );
    return (rowCount ?? 0) > 0;
  }
}

interface ReviewRow {
  id: string;
  record_id: string;
  profile_id: string;
  candidate_record_id: string;
  candidate_profile_id: string;
  probability: number;
  score: PairScore;
  model_version: number;
  status: ReviewStatus;
  created_at: Date;
  resolved_at: Date | null;
}

function toItem(r: ReviewRow): ReviewItem {
  return {
    id: r.id,
    recordId: r.record_id,
    profileId: r.profile_id,
    candidateRecordId: r.candidate_record_id,
    candidateProfileId: r.candidate_profile_id,
    probability: r.probability,
    score: r.score,
    modelVersion: r.model_version,
    status: r.status,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
  };
}
