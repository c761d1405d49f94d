import type { Pool } from 'pg';
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
 * The review queue and the pairs people rejected, in PostgreSQL: at most one open review
 * per record (its best candidate), paged in creation order.
 */
export class ReviewQueue {
  constructor(private readonly pool: Pool) {}

  /**
   * Opens (or replaces) the record's open review, unless its candidate's open review
   * already asks the same question the other way round (two records arriving together
   * can each find the other): then that one stands for both, and the record's own open
   * review, about a candidate it no longer ranks first, is closed as superseded. Returns
   * whether a review was opened.
   */
  async open(
    item: Omit<ReviewItem, 'id' | 'status' | 'createdAt' | 'resolvedAt'>,
  ): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `WITH reverse AS (
         SELECT 1 FROM match_reviews
         WHERE status = 'open' AND record_id = $3 AND candidate_record_id = $1
       ), closed AS (
         UPDATE match_reviews SET status = 'superseded', resolved_at = now()
         WHERE status = 'open' AND record_id = $1 AND EXISTS (SELECT 1 FROM reverse)
       )
       INSERT INTO match_reviews (record_id, profile_id, candidate_record_id, candidate_profile_id,
         probability, score, model_version, status)
       SELECT $1, $2, $3, $4, $5, $6::jsonb, $7, 'open' WHERE NOT EXISTS (SELECT 1 FROM reverse)
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
    return rowCount === 1;
  }

  /**
   * Closes, as superseded, the open review of the same pair the other way round: what a
   * person decided about `item` answers it. (`open` keeps the two from being open at
   * once, except when both records' matchers opened theirs at the same instant.) Returns
   * the record whose review was closed, if one was.
   */
  async supersedeReverse(
    item: Pick<ReviewItem, 'recordId' | 'candidateRecordId'>,
  ): Promise<string | null> {
    const { rows } = await this.pool.query<{ record_id: string }>(
      `UPDATE match_reviews SET status = 'superseded', resolved_at = now()
       WHERE status = 'open' AND record_id = $1 AND candidate_record_id = $2 RETURNING record_id`,
      [item.candidateRecordId, item.recordId],
    );
    return rows[0]?.record_id ?? null;
  }

  async get(id: string): Promise<ReviewItem | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const { rows } = await this.pool.query<ReviewRow>('SELECT * FROM match_reviews WHERE id = $1', [
      id,
    ]);
    return rows[0] ? toItem(rows[0]) : null;
  }

  /** Open reviews in creation order after `afterId`; one more than `limit` tells a next page. */
  async listOpen(afterId: string | null, limit: number): Promise<ReviewItem[]> {
    const { rows } = await this.pool.query<ReviewRow>(
      `SELECT * FROM match_reviews WHERE status = 'open' AND id > $1 ORDER BY id LIMIT $2`,
      [afterId ?? '0', limit],
    );
    return rows.map(toItem);
  }

  /** Marks an open review resolved; false when it was not open any more (resolved or superseded). */
  async resolve(id: string, status: 'accepted' | 'rejected'): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE match_reviews SET status = $2, resolved_at = now() WHERE id = $1 AND status = 'open'`,
      [id, status],
    );
    return rowCount === 1;
  }

  /**
   * Undoes `resolve` when acting on the decision failed. Left resolved if the record has
   * been given a new open review meanwhile (at most one is open per record).
   */
  async reopen(id: string, status: 'accepted' | 'rejected'): Promise<void> {
    await this.pool
      .query(
        `UPDATE match_reviews SET status = 'open', resolved_at = NULL WHERE id = $1 AND status = $2`,
        [id, status],
      )
      .catch(() => undefined);
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
