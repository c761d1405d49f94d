import type { Pool } from 'pg';
import type { PairScore } from '../../matching/matchModel';
import type { ReviewItem, ReviewQueue, ReviewStatus } from '../../matching/reviewQueue';

/** PostgreSQL's SQLSTATE for a transaction aborted to break a deadlock. */
const DEADLOCK_DETECTED = '40P01';

/** The review queue in `match_reviews`, the rejected pairs in `match_rejections`. */
export class PostgresReviewQueue implements ReviewQueue {
  constructor(private readonly pool: Pool) {}

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

  async withdraw(recordId: string): Promise<void> {
    await this.pool.query(
      `UPDATE match_reviews SET status = 'superseded', resolved_at = now()
       WHERE record_id = $1 AND status = 'open'`,
      [recordId],
    );
  }

  async get(id: string): Promise<ReviewItem | null> {
    // Ids are bigserials: anything else would fail the statement instead of finding nothing.
    if (!/^\d{1,18}$/.test(id)) return null;
    const { rows } = await this.pool.query<ReviewRow>('SELECT * FROM match_reviews WHERE id = $1', [
      id,
    ]);
    return rows[0] ? toItem(rows[0]) : null;
  }

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

  /** The review and its reverse in one statement, so that no one sees one closed without the other. */
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

  async reject(profileA: string, profileB: string, reason: string): Promise<void> {
    // Stored once per pair, in order (the table checks profile_a < profile_b).
    const [a, b] = profileA < profileB ? [profileA, profileB] : [profileB, profileA];
    await this.pool.query(
      `INSERT INTO match_rejections (profile_a, profile_b, reason) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING`,
      [a, b, reason],
    );
  }

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
