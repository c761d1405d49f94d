import type { Pool } from 'pg';
import type { PersonMatchData, PersonMatchDataStore } from '../../matching/personMatchData';
import { TERM_FREQUENCY_FIELDS } from '../../matching/termCounts';
import { inTransaction } from './connection';
import { PostgresTermCounts } from './postgresTermCounts';

/** A person's rows in the matching tables, found by record and profile ids. */
export class PostgresPersonMatchData implements PersonMatchDataStore {
  constructor(private readonly pool: Pool) {}

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

  async erase(recordIds: string[], profileIds: string[]): Promise<Record<string, number>> {
    const counts = await inTransaction(this.pool, async (db) => {
      const mine = `record_id = ANY($1) OR profile_id = ANY($2)`;
      const blocks = await db.query(
        `DELETE FROM match_block_keys b USING match_records r
         WHERE (r.record_id = ANY($1) OR r.profile_id = ANY($2))
           AND b.block_key = ANY(r.block_keys) AND b.record_id = r.record_id`,
        [recordIds, profileIds],
      );
      const records = await db.query(`DELETE FROM match_records WHERE ${mine}`, [
        recordIds,
        profileIds,
      ]);
      const reviews = await db.query(
        `DELETE FROM match_reviews
         WHERE record_id = ANY($1) OR candidate_record_id = ANY($1)
            OR profile_id = ANY($2) OR candidate_profile_id = ANY($2)`,
        [recordIds, profileIds],
      );
      const rejections = await db.query(
        'DELETE FROM match_rejections WHERE profile_a = ANY($1) OR profile_b = ANY($1)',
        [profileIds],
      );
      return {
        match_block_keys: blocks.rowCount ?? 0,
        match_records: records.rowCount ?? 0,
        match_reviews: reviews.rowCount ?? 0,
        match_rejections: rejections.rowCount ?? 0,
      };
    });
    // Counted afresh from what is left (why: see PersonMatchDataStore.erase).
    await new PostgresTermCounts(this.pool).recount(TERM_FREQUENCY_FIELDS);
    return counts;
  }
}
