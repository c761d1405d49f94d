import type { Pool, PoolClient } from 'pg';
import {
  MAX_BLOCK_READ,
  type IndexedRecord,
  type MatchIndex,
  type MatchOutcome,
} from '../../matching/matchIndex';
import { BLOCKING_KEYS_VERSION } from '../../matching/blockingKeys';
import { MATCH_FIELDS, type MatchField, type MatchValues } from '../../matching/matchFields';
import { TermCounts, termKey } from '../../matching/termCounts';
import { inTransaction } from './connection';
import { CoalescedCalls } from './coalescedCalls';
import { packValues, unpackValues } from './packedMatchValues';

interface NewMatchRecord {
  recordId: string;
  profileId: string;
  values: MatchValues;
  keys: string[];
  version: number;
}

interface EvidenceRequest {
  keys: string[];
  recordId: string;
  values: MatchValues;
}

type Evidence = { candidates: IndexedRecord[]; counts: Map<string, number> };
/** Evidence as read, with the candidates whose packed values could not be read (older rows). */
type RawEvidence = Evidence & { unpackable: string[] };

/**
 * The blocking index in PostgreSQL (`match_records`, and `match_block_keys` with each
 * candidate's profile and packed values beside its key): a new record finds its candidates
 * with one indexed statement.
 */
export class PostgresMatchIndex implements MatchIndex {
  constructor(
    private readonly pool: Pool,
    readonly terms: TermCounts,
  ) {}

  /** A record already indexed is replaced in one transaction (see `reindex`). */
  async index(
    recordId: string,
    profileId: string,
    values: MatchValues,
    keys: string[],
    version: number,
  ): Promise<{ changed: boolean; seq: number; inserted: boolean }> {
    const seq = await this.inserts.call({ recordId, profileId, values, keys, version });
    // Stored as decided "no match" by `version`: the caller settles it otherwise.
    if (seq !== null) {
      this.terms.add(values, +1);
      return { changed: true, seq, inserted: true };
    }
    return { ...(await this.reindex(recordId, values, keys)), inserted: false };
  }

  /** New records' inserts, coalesced: one statement per round trip, however many records. */
  private readonly inserts = new CoalescedCalls<NewMatchRecord, number | null>((records) =>
    records.length === 1
      ? this.insertOne(records[0]!).then((seq) => [seq])
      : this.insertMany(records),
  );

  /** Stores a new record and its keys; its arrival number, or null when it was indexed before. */
  private async insertOne(r: NewMatchRecord): Promise<number | null> {
    // Most records are new: one statement stores the record and its keys (a prepared
    // statement, like the other per-record ones: parsed and planned once per connection).
    const { rows } = await this.pool.query<{ seq: string }>({
      name: 'match-index-record',
      // NOT EXISTS first: a conflicting insert would still draw a number from the
      // sequence, and re-sent contacts would inflate the count term frequencies rely on.
      text: `WITH rec AS (
         INSERT INTO match_records (record_id, profile_id, match_values, block_keys, decided_version, decision, keys_version)
         SELECT $1::text, $2::text, $3::jsonb, $4::text[], $5::integer, 'none', $7::smallint
         WHERE NOT EXISTS (SELECT 1 FROM match_records WHERE record_id = $1)
         ON CONFLICT (record_id) DO NOTHING RETURNING seq
       ), block AS (
         INSERT INTO match_block_keys (block_key, seq, record_id, profile_id, packed_values)
         SELECT k, rec.seq, $1, $2, $6 FROM rec, unnest($4::text[]) AS k ON CONFLICT DO NOTHING
       )
       SELECT seq FROM rec`,
      values: [
        r.recordId,
        r.profileId,
        r.values,
        r.keys,
        r.version,
        packValues(r.values),
        BLOCKING_KEYS_VERSION,
      ],
    });
    return rows[0] ? Number(rows[0].seq) : null;
  }

  /**
   * `insertOne` for many records in one statement: the records as parallel arrays, their
   * keys flattened beside each one's position (a record's keys are a ragged list).
   */
  private async insertMany(records: NewMatchRecord[]): Promise<(number | null)[]> {
    const position = records.flatMap((r, n) => r.keys.map(() => n + 1));
    const { rows } = await this.pool.query<{ record_id: string; seq: string }>({
      name: 'match-index-records',
      text: `WITH i AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::integer[], $5::text[])
           WITH ORDINALITY AS i(record_id, profile_id, match_values, version, packed, n)
       ), k AS (
         SELECT * FROM unnest($6::bigint[], $7::text[]) AS k(n, block_key)
       ), rec AS (
         INSERT INTO match_records (record_id, profile_id, match_values, block_keys, decided_version, decision, keys_version)
         SELECT i.record_id, i.profile_id, i.match_values,
           COALESCE((SELECT array_agg(k.block_key) FROM k WHERE k.n = i.n), '{}'::text[]),
           i.version, 'none', $8::smallint
         FROM i WHERE NOT EXISTS (SELECT 1 FROM match_records m WHERE m.record_id = i.record_id)
         ORDER BY i.n
         ON CONFLICT (record_id) DO NOTHING RETURNING record_id, seq
       ), block AS (
         INSERT INTO match_block_keys (block_key, seq, record_id, profile_id, packed_values)
         SELECT k.block_key, rec.seq, i.record_id, i.profile_id, i.packed
         FROM rec JOIN i ON i.record_id = rec.record_id JOIN k ON k.n = i.n
         ON CONFLICT DO NOTHING
       )
       SELECT record_id, seq FROM rec`,
      values: [
        records.map((r) => r.recordId),
        records.map((r) => r.profileId),
        records.map((r) => JSON.stringify(r.values)),
        records.map((r) => r.version),
        records.map((r) => packValues(r.values)),
        position,
        records.flatMap((r) => r.keys),
        BLOCKING_KEYS_VERSION,
      ],
    });
    const seqOf = new Map(rows.map((r) => [r.record_id, Number(r.seq)]));
    // A record twice in one batch (two calls re-sending one contact) is new only once.
    const taken = new Set<string>();
    return records.map((r) => {
      const seq = seqOf.get(r.recordId);
      if (seq === undefined || taken.has(r.recordId)) return null;
      taken.add(r.recordId);
      return seq;
    });
  }

  /** A record indexed before: its keys move from the old values to the new, and so do its counts. */
  private async reindex(
    recordId: string,
    values: MatchValues,
    keys: string[],
  ): Promise<{ changed: boolean; seq: number }> {
    const result = await inTransaction(this.pool, async (db) => {
      const { rows } = await db.query<{
        match_values: MatchValues;
        block_keys: string[];
        seq: string;
        profile_id: string;
      }>(
        'SELECT match_values, block_keys, seq, profile_id FROM match_records WHERE record_id = $1 FOR UPDATE',
        [recordId],
      );
      const old = rows[0];
      if (old === undefined) throw new Error(`Match record ${recordId} vanished while re-indexed`);
      const seq = Number(old.seq);
      if (sameValues(old.match_values, values))
        return { changed: false, seq, old: old.match_values };
      await db.query('DELETE FROM match_block_keys WHERE block_key = ANY($1) AND record_id = $2', [
        old.block_keys,
        recordId,
      ]);
      await db.query(
        `UPDATE match_records SET match_values = $2, block_keys = $3, decided_version = NULL,
           decision = NULL, keys_version = $4, updated_at = now() WHERE record_id = $1`,
        [recordId, values, keys, BLOCKING_KEYS_VERSION],
      );
      await db.query(
        `INSERT INTO match_block_keys (block_key, seq, record_id, profile_id, packed_values)
         SELECT k, $2, $3, $4, $5 FROM unnest($1::text[]) AS k ON CONFLICT DO NOTHING`,
        [keys, seq, recordId, old.profile_id, packValues(values)],
      );
      return { changed: true, seq, old: old.match_values };
    });
    if (result.changed) {
      this.terms.add(result.old, -1);
      this.terms.add(values, +1);
    }
    return { changed: result.changed, seq: result.seq };
  }

  async rekey(
    keysVersion: number,
    keysOf: (values: MatchValues) => string[],
    limit: number,
  ): Promise<number> {
    return inTransaction(this.pool, async (db) => {
      // SKIP LOCKED: two trainers re-key different records, and a record being re-indexed
      // by a writer is left for the next page (it gets the current keys from the writer).
      const { rows } = await db.query<{
        record_id: string;
        profile_id: string;
        seq: string;
        match_values: MatchValues;
        block_keys: string[];
      }>(
        `SELECT record_id, profile_id, seq, match_values, block_keys FROM match_records
         WHERE keys_version < $1 ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [keysVersion, limit],
      );
      if (rows.length === 0) return 0;
      const old = rows.flatMap((r) => r.block_keys.map((k) => [r.record_id, k] as const));
      await db.query(
        `DELETE FROM match_block_keys k USING unnest($1::text[], $2::text[]) AS o(record_id, block_key)
         WHERE k.block_key = o.block_key AND k.record_id = o.record_id`,
        [old.map(([id]) => id), old.map(([, k]) => k)],
      );
      const keys = rows.map((r) => keysOf(r.match_values));
      const fresh = rows.flatMap((r, i) => keys[i]!.map((k) => [r, k] as const));
      await db.query(
        `INSERT INTO match_block_keys (block_key, seq, record_id, profile_id, packed_values)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[])
         ON CONFLICT DO NOTHING`,
        [
          fresh.map(([, k]) => k),
          fresh.map(([r]) => r.seq),
          fresh.map(([r]) => r.record_id),
          fresh.map(([r]) => r.profile_id),
          fresh.map(([r]) => packValues(r.match_values)),
        ],
      );
      // Merged stays merged (a rematch would find its own cluster); any other decision was
      // taken without the candidates the new keys find, so it is taken again.
      await db.query(
        `UPDATE match_records r SET block_keys = n.keys::text[], keys_version = $3,
           decided_version = CASE WHEN r.decision = 'merged' THEN r.decided_version END,
           decision = CASE WHEN r.decision = 'merged' THEN r.decision END, updated_at = now()
         FROM unnest($1::text[], $2::text[]) AS n(record_id, keys)
         WHERE r.record_id = n.record_id`,
        [
          rows.map((r) => r.record_id),
          keys.map((k) => `{${k.map(arrayElement).join(',')}}`),
          keysVersion,
        ],
      );
      return rows.length;
    });
  }

  async hasStaleKeys(keysVersion: number): Promise<boolean> {
    const { rows } = await this.pool.query(
      'SELECT 1 FROM match_records WHERE keys_version < $1 LIMIT 1',
      [keysVersion],
    );
    return rows.length > 0;
  }

  /**
   * What a record is scored with, in one statement: the records sharing any of `keys`
   * (the latest `MAX_BLOCK_READ` per key, except `recordId` itself) and the stored counts
   * of its term-frequency values. One round trip instead of two is most of what matching
   * costs per record once the store is large.
   */
  async evidence(keys: string[], recordId: string, values: MatchValues): Promise<Evidence> {
    const evidence = await this.lookUps.call({ keys, recordId, values });
    const unpackable = evidence.unpackable;
    if (unpackable.length > 0)
      evidence.candidates.push(...(await this.getMany(unpackable)).values());
    return { candidates: evidence.candidates, counts: evidence.counts };
  }

  /** Records' blocking look-ups, coalesced like `inserts`. */
  private readonly lookUps = new CoalescedCalls<EvidenceRequest, RawEvidence>((requests) =>
    this.evidenceOf(requests),
  );

  /**
   * What each request's record is scored with, in one statement for all of them: per
   * request, the records sharing any of its keys (the latest `MAX_BLOCK_READ` per key, the
   * record itself left out), each once, and the stored counts of its term values.
   */
  private async evidenceOf(requests: EvidenceRequest[]): Promise<RawEvidence[]> {
    const terms = requests.map((r) => TermCounts.terms(r.values));
    const { rows } = await this.pool.query<{
      n: number;
      record_id: string | null;
      profile_id: string;
      seq: string;
      packed: string | null;
      count: string | null;
      field: string | null;
      value: string | null;
    }>({
      name: 'match-evidence-many',
      text: `SELECT DISTINCT ON (q.n, b.record_id) q.n::integer AS n, b.record_id, b.profile_id, b.seq,
         b.packed_values AS packed, NULL AS field, NULL AS value, NULL::bigint AS count
       FROM unnest($1::integer[], $2::text[]) AS q(n, block_key)
       CROSS JOIN LATERAL (
         SELECT record_id, profile_id, seq, packed_values FROM match_block_keys k
         WHERE k.block_key = q.block_key ORDER BY seq DESC LIMIT $3
       ) b
       JOIN unnest($4::text[]) WITH ORDINALITY AS r(record_id, n) ON r.n = q.n
       WHERE b.record_id <> r.record_id
       UNION ALL
       SELECT t.n::integer, NULL, NULL, NULL, NULL, c.field, c.value, c.n
       FROM unnest($5::integer[], $6::text[], $7::text[]) AS t(n, field, value)
       JOIN match_term_counts c ON c.field = t.field AND c.value = t.value`,
      values: [
        requests.flatMap((r, n) => r.keys.map(() => n + 1)),
        requests.flatMap((r) => r.keys),
        MAX_BLOCK_READ,
        requests.map((r) => r.recordId),
        terms.flatMap((t, n) => t.fields.map(() => n + 1)),
        terms.flatMap((t) => t.fields),
        terms.flatMap((t) => t.values),
      ],
    });
    const out = requests.map((): RawEvidence => ({
      candidates: [],
      counts: new Map(),
      unpackable: [],
    }));
    for (const row of rows) {
      const evidence = out[row.n - 1]!;
      if (row.record_id === null) {
        evidence.counts.set(termKey(row.field!, row.value!), Number(row.count));
        continue;
      }
      const values = row.packed === null ? null : unpackValues(row.packed);
      if (values === null) evidence.unpackable.push(row.record_id);
      else
        evidence.candidates.push({
          recordId: row.record_id,
          profileId: row.profile_id,
          seq: Number(row.seq),
          values,
        });
    }
    return out;
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

  async noteDecision(recordId: string, version: number, decision: MatchOutcome): Promise<void> {
    await this.pool.query(
      'UPDATE match_records SET decided_version = $2, decision = $3, updated_at = now() WHERE record_id = $1',
      [recordId, version, decision],
    );
  }

  /**
   * A decision that leaves nothing to review (merged, or no match): noted, and the record's
   * open review, if it had one, closed as superseded, in one statement.
   */
  async settle(recordId: string, version: number, decision: 'merged' | 'none'): Promise<void> {
    await this.pool.query(
      `WITH closed AS (
         UPDATE match_reviews SET status = 'superseded', resolved_at = now()
         WHERE record_id = $1 AND status = 'open'
       )
       UPDATE match_records SET decided_version = $2, decision = $3, updated_at = now()
       WHERE record_id = $1`,
      [recordId, version, decision],
    );
  }

  /** Records indexed so far (the last arrival number: an upper bound, read without a scan). */
  async size(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string | null }>(
      `SELECT pg_sequence_last_value(pg_get_serial_sequence('match_records', 'seq')) AS n`,
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

  /**
   * A uniform sample of records (training: random pairs estimate u), repeatable for a given
   * seed and data: PostgreSQL's random() is seeded in the same transaction.
   */
  async sample(limit: number, seed: number): Promise<IndexedRecord[]> {
    return this.seeded(seed, async (db) => {
      const { rows } = await db.query<RecordRow>(
        'SELECT record_id, profile_id, seq, match_values FROM match_records ORDER BY random() LIMIT $1',
        [limit],
      );
      return rows.map(toRecord);
    });
  }

  async getMany(recordIds: string[]): Promise<Map<string, IndexedRecord>> {
    const { rows } = await this.pool.query<RecordRow>(
      'SELECT record_id, profile_id, seq, match_values FROM match_records WHERE record_id = ANY($1)',
      [recordIds],
    );
    return new Map(rows.map((r) => [r.record_id, toRecord(r)]));
  }

  /** Runs `work` in a transaction whose random() starts from `seed` (in [0, 1) after scaling). */
  private seeded<T>(seed: number, work: (db: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, async (db) => {
      await db.query('SELECT setseed($1)', [((seed * 0.618_033_988_75) % 2) - 1]);
      return work(db);
    });
  }
}

/** A text[] literal element: quoted, with quotes and backslashes escaped. */
const arrayElement = (s: string): string => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

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
