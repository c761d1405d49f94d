import type { Pool, PoolClient } from 'pg';
import { MATCH_FIELDS, type MatchField, type MatchValues } from './matchFields';

export interface IndexedRecord {
  recordId: string;
  /** The profile the record first joined; its cluster is found through merge pointers. */
  profileId: string;
  seq: number;
  values: MatchValues;
}

export type MatchOutcome = 'merged' | 'review' | 'none';

/** The total count of a field's values is kept under this value (never a real one: empty values are dropped). */
const TOTAL = '';
/** Candidates read per blocking key: the most recent ones, so one huge block cannot blow up a look-up. */
export const MAX_BLOCK_READ = 100;
/** Below this many values of a field, frequencies are too noisy to weigh by: the model's u is used. */
const MIN_TERM_SAMPLE = 50;

/**
 * The blocking index and term counts, in PostgreSQL: a new record finds its candidates with
 * one indexed statement (never a scan), whatever the number of stored records.
 */
export class MatchIndex {
  constructor(private readonly pool: Pool) {}

  /**
   * Stores the record's match values, blocking keys and term counts, replacing an earlier
   * version in the same transaction (counts move from the old values to the new). Returns
   * whether anything changed, and the number of records indexed so far.
   */
  async index(
    recordId: string,
    profileId: string,
    values: MatchValues,
    keys: string[],
  ): Promise<{ changed: boolean; seq: number }> {
    return this.transaction(async (db) => {
      const { rows } = await db.query<{
        match_values: MatchValues;
        block_keys: string[];
        seq: string;
      }>(
        'SELECT match_values, block_keys, seq FROM match_records WHERE record_id = $1 FOR UPDATE',
        [recordId],
      );
      const old = rows[0];
      if (old && sameValues(old.match_values, values))
        return { changed: false, seq: Number(old.seq) };
      const deltas = new Map<string, number>();
      const count = (v: MatchValues, by: number) => {
        for (const field of MATCH_FIELDS) {
          const value = v[field];
          if (value === undefined) continue;
          for (const key of [`${field}\u0000${value}`, `${field}\u0000${TOTAL}`])
            deltas.set(key, (deltas.get(key) ?? 0) + by);
        }
      };
      let seq: number;
      if (old) {
        count(old.match_values, -1);
        await db.query(
          'DELETE FROM match_block_keys WHERE block_key = ANY($1) AND record_id = $2',
          [old.block_keys, recordId],
        );
        await db.query(
          `UPDATE match_records SET match_values = $2, block_keys = $3, decided_version = NULL,
             decision = NULL, updated_at = now() WHERE record_id = $1`,
          [recordId, values, keys],
        );
        seq = Number(old.seq);
      } else {
        const inserted = await db.query<{ seq: string }>(
          `INSERT INTO match_records (record_id, profile_id, match_values, block_keys)
           VALUES ($1, $2, $3, $4) RETURNING seq`,
          [recordId, profileId, values, keys],
        );
        seq = Number(inserted.rows[0]!.seq);
      }
      count(values, +1);
      await db.query(
        `INSERT INTO match_block_keys (block_key, seq, record_id)
         SELECT k, $2, $3 FROM unnest($1::text[]) AS k ON CONFLICT DO NOTHING`,
        [keys, seq, recordId],
      );
      // Sorted, so concurrent writers lock count rows in the same order (no deadlocks).
      const changes = [...deltas].filter(([, by]) => by !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
      if (changes.length > 0) {
        await db.query(
          `INSERT INTO match_term_counts AS c (field, value, n)
           SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
           ON CONFLICT (field, value) DO UPDATE SET n = c.n + EXCLUDED.n`,
          [
            changes.map(([k]) => k.split('\u0000')[0]),
            changes.map(([k]) => k.split('\u0000')[1]),
            changes.map(([, by]) => by),
          ],
        );
      }
      return { changed: true, seq };
    });
  }

  /** Records sharing any of `keys` (the latest `MAX_BLOCK_READ` per key), except `recordId`. */
  async candidates(keys: string[], recordId: string): Promise<IndexedRecord[]> {
    if (keys.length === 0) return [];
    const { rows } = await this.pool.query<RecordRow>(
      `SELECT r.record_id, r.profile_id, r.seq, r.match_values FROM match_records r
       WHERE r.record_id <> $3 AND r.record_id IN (
         SELECT b.record_id FROM unnest($1::text[]) AS q(block_key)
         CROSS JOIN LATERAL (
           SELECT record_id FROM match_block_keys k WHERE k.block_key = q.block_key
           ORDER BY seq DESC LIMIT $2
         ) b)`,
      [keys, MAX_BLOCK_READ, recordId],
    );
    return rows.map(toRecord);
  }

  async get(recordId: string): Promise<IndexedRecord | null> {
    const { rows } = await this.pool.query<RecordRow>(
      'SELECT record_id, profile_id, seq, match_values FROM match_records WHERE record_id = $1',
      [recordId],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Every indexed record that first joined one of `profileIds`. */
  async recordsOfProfiles(profileIds: string[]): Promise<IndexedRecord[]> {
    const { rows } = await this.pool.query<RecordRow>(
      `SELECT record_id, profile_id, seq, match_values FROM match_records
       WHERE profile_id = ANY($1) ORDER BY seq`,
      [profileIds],
    );
    return rows.map(toRecord);
  }

  /**
   * How common each of the record's values is (term-frequency adjustment): count of the
   * value over count of the field, for every field of `values`.
   */
  async termFrequencies(values: MatchValues): Promise<Map<string, number>> {
    const fields: string[] = [];
    const vals: string[] = [];
    for (const field of MATCH_FIELDS) {
      const v = values[field];
      if (v === undefined) continue;
      fields.push(field, field);
      vals.push(v, TOTAL);
    }
    if (fields.length === 0) return new Map();
    const { rows } = await this.pool.query<{ field: string; value: string; n: string }>(
      `SELECT c.field, c.value, c.n FROM unnest($1::text[], $2::text[]) AS q(field, value)
       JOIN match_term_counts c ON c.field = q.field AND c.value = q.value`,
      [fields, vals],
    );
    const n = new Map(rows.map((r) => [`${r.field}\u0000${r.value}`, Number(r.n)]));
    const out = new Map<string, number>();
    for (const field of MATCH_FIELDS) {
      const v = values[field];
      const total = n.get(`${field}\u0000${TOTAL}`);
      const count = n.get(`${field}\u0000${v}`);
      if (v !== undefined && total && total >= MIN_TERM_SAMPLE && count)
        out.set(`${field}\u0000${v}`, count / total);
    }
    return out;
  }

  async noteDecision(recordId: string, version: number, decision: MatchOutcome): Promise<void> {
    await this.pool.query(
      'UPDATE match_records SET decided_version = $2, decision = $3, updated_at = now() WHERE record_id = $1',
      [recordId, version, decision],
    );
  }

  /** Records indexed so far (the highest arrival number: an upper bound, cheap to read). */
  async size(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string | null }>(
      'SELECT max(seq) AS n FROM match_records',
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Records whose last decision was not a merge and came from an older model, in arrival order. */
  async decidedBefore(version: number, afterSeq: number, limit: number): Promise<IndexedRecord[]> {
    const { rows } = await this.pool.query<RecordRow>(
      `SELECT record_id, profile_id, seq, match_values FROM match_records
       WHERE seq > $2 AND (decided_version IS NULL OR (decided_version < $1 AND decision <> 'merged'))
       ORDER BY seq LIMIT $3`,
      [version, afterSeq, limit],
    );
    return rows.map(toRecord);
  }

  /** A uniform sample of records (training: random pairs estimate u). */
  async sample(limit: number): Promise<IndexedRecord[]> {
    const { rows } = await this.pool.query<RecordRow>(
      'SELECT record_id, profile_id, seq, match_values FROM match_records ORDER BY random() LIMIT $1',
      [limit],
    );
    return rows.map(toRecord);
  }

  /**
   * Blocks of at least two records, sampled, each cut to its latest `MAX_BLOCK_READ`
   * members: the pairs matching actually scores, which EM learns m from.
   */
  async sampleBlocks(limit: number): Promise<string[][]> {
    const { rows } = await this.pool.query<{ members: string[] }>(
      `SELECT (array_agg(record_id ORDER BY seq DESC))[1:$2] AS members FROM match_block_keys
       GROUP BY block_key HAVING count(*) > 1 ORDER BY random() LIMIT $1`,
      [limit, MAX_BLOCK_READ],
    );
    return rows.map((r) => r.members);
  }

  async getMany(recordIds: string[]): Promise<Map<string, IndexedRecord>> {
    const { rows } = await this.pool.query<RecordRow>(
      'SELECT record_id, profile_id, seq, match_values FROM match_records WHERE record_id = ANY($1)',
      [recordIds],
    );
    return new Map(rows.map((r) => [r.record_id, toRecord(r)]));
  }

  private async transaction<T>(work: (db: PoolClient) => Promise<T>): Promise<T> {
    const db = await this.pool.connect();
    try {
      await db.query('BEGIN');
      const result = await work(db);
      await db.query('COMMIT');
      return result;
    } catch (err) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      db.release();
    }
  }
}

interface RecordRow {
  record_id: string;
  profile_id: string;
  seq: string;
  match_values: MatchValues;
}

function toRecord(r: RecordRow): IndexedRecord {
  return {
    recordId: r.record_id,
    profileId: r.profile_id,
    seq: Number(r.seq),
    values: r.match_values,
  };
}

function sameValues(a: MatchValues, b: MatchValues): boolean {
  return MATCH_FIELDS.every((f: MatchField) => a[f] === b[f]);
}
