import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { TermCounts } from './termCounts';

/** What the matching index holds about one person's records (a data export). */
export interface PersonMatchData {
  records: { recordId: string; profileId: string; values: unknown; decision: string | null }[];
  reviews: {
    id: string;
    recordId: string;
    candidateRecordId: string;
    probability: number;
    status: string;
    createdAt: Date;
  }[];
  rejections: { profileA: string; profileB: string; reason: string; createdAt: Date }[];
}

/**
 * The matching index's side of privacy requests. Works whether or not matching is
 * switched on: the tables may hold records from before it was switched off.
 */
export class PersonMatchDataStore {
  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
  ) {}

  async export(recordIds: string[], profileIds: string[]): Promise<PersonMatchData> {
    const [records, reviews, rejections] = await Promise.all([
      this.pool.query<{
        record_id: string;
        profile_id: string;
        match_values: unknown;
        decision: string | null;
      }>(
        `SELECT record_id, profile_id, match_values, decision FROM match_records
         WHERE record_id = ANY($1) OR profile_id = ANY($2) ORDER BY seq`,
        [recordIds, profileIds],
      ),
      this.pool.query<{
        id: string;
        record_id: string;
        candidate_record_id: string;
        probability: number;
        status: string;
        created_at: Date;
      }>(
        `SELECT id, record_id, candidate_record_id, probability, status, created_at
         FROM match_reviews
         WHERE record_id = ANY($1) OR candidate_record_id = ANY($1)
            OR profile_id = ANY($2) OR candidate_profile_id = ANY($2)
         ORDER BY id`,
        [recordIds, profileIds],
      ),
      this.pool.query<{ profile_a: string; profile_b: string; reason: string; created_at: Date }>(
        `SELECT * FROM match_rejections WHERE profile_a = ANY($1) OR profile_b = ANY($1)`,
        [profileIds],
      ),
    ]);
    return {
      records: records.rows.map((r) => ({
        recordId: r.record_id,
        profileId: r.profile_id,
        values: r.match_values,
        decision: r.decision,
      })),
      reviews: reviews.rows.map((r) => ({
        id: r.id,
        recordId: r.record_id,
        candidateRecordId: r.candidate_record_id,
        probability: r.probability,
        status: r.status,
        createdAt: r.created_at,
      })),
      rejections: rejections.rows.map((r) => ({
        profileA: r.profile_a,
        profileB: r.profile_b,
        reason: r.reason,
        createdAt: r.created_at,
      })),
    };
  }

  /**
   * Removes the records' match values and blocking keys, the reviews and rejections that
   * name them, in one transaction, then recounts the term counts from what is left: a
   * rare surname counted once would otherwise stay behind as a statistic of one.
   */
  async erase(recordIds: string[], profileIds: string[]): Promise<Record<string, number>> {
    const client = await this.pool.connect();
    let counts: Record<string, number>;
    try {
      await client.query('BEGIN');
      const mine = `record_id = ANY($1) OR profile_id = ANY($2)`;
      const blocks = await client.query(
        `DELETE FROM match_block_keys b USING match_records r
         WHERE (r.record_id = ANY($1) OR r.profile_id = ANY($2))
           AND b.block_key = ANY(r.block_keys) AND b.record_id = r.record_id`,
        [recordIds, profileIds],
      );
      const records = await client.query(`DELETE FROM match_records WHERE ${mine}`, [
        recordIds,
        profileIds,
      ]);
      const reviews = await client.query(
        `DELETE FROM match_reviews
         WHERE record_id = ANY($1) OR candidate_record_id = ANY($1)
            OR profile_id = ANY($2) OR candidate_profile_id = ANY($2)`,
        [recordIds, profileIds],
      );
      const rejections = await client.query(
        'DELETE FROM match_rejections WHERE profile_a = ANY($1) OR profile_b = ANY($1)',
        [profileIds],
      );
      await client.query('COMMIT');
      counts = {
        match_block_keys: blocks.rowCount ?? 0,
        match_records: records.rowCount ?? 0,
        match_reviews: reviews.rowCount ?? 0,
        match_rejections: rejections.rowCount ?? 0,
      };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    const terms = new TermCounts(this.pool, this.logger);
    try {
      await terms.recount();
    } finally {
      await terms.close();
    }
    return counts;
  }
}
