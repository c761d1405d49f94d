import type { Pool } from 'pg';
import type { MatchField } from '../../matching/matchFields';
import { termKey, type StoredTermCounts, type TermCountChange } from '../../matching/termCounts';
import { inTransaction } from './connection';

/** Term counts in `match_term_counts`, one row per field and value. */
export class PostgresTermCounts implements StoredTermCounts {
  constructor(private readonly pool: Pool) {}

  async add(changes: TermCountChange[]): Promise<void> {
    await this.pool.query(
      `INSERT INTO match_term_counts AS c (field, value, n)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
       ON CONFLICT (field, value) DO UPDATE SET n = c.n + EXCLUDED.n`,
      [changes.map((c) => c.field), changes.map((c) => c.value), changes.map((c) => c.by)],
    );
  }

  async recount(fields: readonly MatchField[]): Promise<void> {
    await inTransaction(this.pool, async (db) => {
      await db.query('DELETE FROM match_term_counts');
      await db.query(
        `INSERT INTO match_term_counts (field, value, n)
         SELECT e.key, e.value, count(*) FROM match_records, jsonb_each_text(match_values) AS e
         WHERE e.key = ANY($1) GROUP BY e.key, e.value`,
        [fields],
      );
    });
  }

  async read(terms: { fields: MatchField[]; values: string[] }): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ field: string; value: string; n: string }>({
      name: 'match-term-frequencies',
      text: `SELECT c.field, c.value, c.n FROM unnest($1::text[], $2::text[]) AS q(field, value)
       JOIN match_term_counts c ON c.field = q.field AND c.value = q.value`,
      values: [terms.fields, terms.values],
    });
    return new Map(rows.map((r) => [termKey(r.field, r.value), Number(r.n)]));
  }
}
