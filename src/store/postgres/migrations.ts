import type { Pool } from 'pg';
import { quoteIdent } from './connection';

/**
 * Schema migrations of the transactional store, applied in order, each once, in its own
 * transaction. Append only: a released migration is never edited.
 */
const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'orders',
    sql: `
      CREATE TABLE orders (
        order_id     text PRIMARY KEY,
        customer_id  text NOT NULL,
        placed_at    timestamptz NOT NULL,
        status       text NOT NULL CHECK (status IN ('pending', 'completed', 'cancelled', 'refunded')),
        currency     char(3) NOT NULL,
        total        numeric(16, 4) NOT NULL CHECK (total >= 0),
        items        jsonb NOT NULL DEFAULT '[]',
        content_hash text NOT NULL,
        recorded_at  timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now()
      );
      -- A customer's orders newest first: the one access path profile reads use.
      CREATE INDEX orders_by_customer ON orders (customer_id, placed_at DESC, order_id DESC);
    `,
  },
  {
    version: 2,
    name: 'identity matching',
    // The matching index lives here, not in the profile store: blocking needs look-ups by
    // secondary keys and review paging needs ordered scans, which FerretDB's SQLite backend
    // does not index; PostgreSQL does, and gives transactions for the counts. Everything in
    // these tables derives from records in the profile store and could be rebuilt from them.
    sql: `
      CREATE TABLE match_records (
        record_id       text PRIMARY KEY,
        profile_id      text NOT NULL,   -- the profile the record first joined (never changes)
        seq             bigserial,       -- arrival order
        match_values    jsonb NOT NULL,
        block_keys      text[] NOT NULL,
        decided_version integer,         -- model version of the last decision, null before one
        decision        text CHECK (decision IN ('merged', 'review', 'none')),
        updated_at      timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX match_records_by_profile ON match_records (profile_id);
      CREATE INDEX match_records_undecided ON match_records (decided_version, seq);
      CREATE TABLE match_block_keys (
        block_key text NOT NULL,
        seq       bigint NOT NULL,
        record_id text NOT NULL,
        PRIMARY KEY (block_key, seq)
      );
      -- How common each value is, per field: term-frequency adjustment of exact agreements.
      CREATE TABLE match_term_counts (
        field text NOT NULL,
        value text NOT NULL,
        n     bigint NOT NULL,
        PRIMARY KEY (field, value)
      );
      CREATE TABLE match_models (
        version    integer PRIMARY KEY,
        model      jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE match_reviews (
        id                   bigserial PRIMARY KEY,
        record_id            text NOT NULL,
        profile_id           text NOT NULL,
        candidate_record_id  text NOT NULL,
        candidate_profile_id text NOT NULL,
        probability          double precision NOT NULL,
        score                jsonb NOT NULL,
        model_version        integer NOT NULL,
        status               text NOT NULL CHECK (status IN ('open', 'accepted', 'rejected', 'superseded')),
        created_at           timestamptz NOT NULL DEFAULT now(),
        resolved_at          timestamptz
      );
      CREATE UNIQUE INDEX match_reviews_open_per_record ON match_reviews (record_id) WHERE status = 'open';
      CREATE INDEX match_reviews_open ON match_reviews (id) WHERE status = 'open';
      -- Pairs of profiles a person said are different people: never merged automatically.
      CREATE TABLE match_rejections (
        profile_a  text NOT NULL,
        profile_b  text NOT NULL,
        reason     text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (profile_a, profile_b),
        CHECK (profile_a < profile_b)
      );
    `,
  },
  {
    version: 3,
    name: 'api keys',
    sql: `
      -- Only a SHA-256 of each secret is kept: the secret is 256 random bits, shown once.
      CREATE TABLE api_keys (
        id           text PRIMARY KEY,
        name         text NOT NULL,
        role         text NOT NULL CHECK (role IN ('reader', 'writer', 'dashboard', 'admin')),
        sources      text[] NOT NULL DEFAULT '{}',
        secret_hash  bytea NOT NULL UNIQUE,
        created_at   timestamptz NOT NULL DEFAULT now(),
        revoked_at   timestamptz,
        last_used_at timestamptz
      );
    `,
  },
  {
    version: 4,
    name: 'audit log',
    sql: `
      -- Who did what to whom: privacy requests, merges, unmerges, reviews, credentials.
      -- Append-only; ids and codes only, never personal data.
      CREATE TABLE audit_log (
        id          bigserial PRIMARY KEY,
        at          timestamptz NOT NULL DEFAULT now(),
        actor       text NOT NULL,
        action      text NOT NULL,
        targets     text[] NOT NULL,
        status      text NOT NULL CHECK (status IN ('started', 'done', 'failed')),
        details     jsonb NOT NULL DEFAULT '{}',
        finished_at timestamptz
      );
      CREATE INDEX audit_log_by_action ON audit_log (action, id);
    `,
  },
  {
    version: 5,
    name: 'candidates beside their blocking keys',
    // The blocking look-up reads each candidate's profile and packed values from its key
    // row, instead of joining every candidate to match_records (one more index descent and
    // heap fetch per candidate, and candidates grow with the store). The rows are written
    // with the record and replaced with it, so they are never staler than it. NULL packed
    // values: read the record (see PostgresMatchIndex.evidence). The field order is the packing
    // format of that release, frozen here; a change of MATCH_FIELDS needs a migration that
    // packs again.
    sql: `
      ALTER TABLE match_block_keys ADD COLUMN profile_id text, ADD COLUMN packed_values text;
      UPDATE match_block_keys k SET profile_id = r.profile_id, packed_values = CASE
          -- A value holding the separator cannot be packed: such a record is read whole.
          WHEN EXISTS (SELECT 1 FROM jsonb_each_text(r.match_values) v WHERE strpos(v.value, chr(31)) > 0)
            THEN NULL
          ELSE concat_ws(chr(31), ${[
            'givenName',
            'surname',
            'birthDate',
            'nationalId',
            'streetNumber',
            'street',
            'locality',
            'city',
            'postcode',
            'region',
            'email',
            'phone',
          ]
            .map((f) => `coalesce(r.match_values->>'${f}', '')`)
            .join(', ')})
        END
        FROM match_records r WHERE r.record_id = k.record_id;
      ALTER TABLE match_block_keys ALTER COLUMN profile_id SET NOT NULL;
    `,
  },
  {
    version: 6,
    name: 'bronze events and the resolution pipeline',
    // Tracked events land here before they are resolved (see src/ingest/bronzeEvents.ts):
    // the WAL makes an acknowledged batch durable, the unique messageId makes a retry a
    // counted duplicate, and seq is the arrival order the pipeline keeps per partition.
    // Partition leases and batch leases are rows updated atomically, so exactly one worker
    // orders a partition and exactly one recovers a dead worker's batch.
    sql: `
      CREATE TABLE bronze_events (
        seq           bigserial PRIMARY KEY,
        message_id    text NOT NULL UNIQUE,
        partition     smallint NOT NULL,
        lane          text NOT NULL CHECK (lane IN ('live', 'bulk')),
        identity_keys text[] NOT NULL,   -- the event's own ids, for erasure
        event         jsonb NOT NULL,    -- validated and normalised at the door
        accepted_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
        applied_at    timestamptz,
        profile_id    text
      );
      -- What the pipeline reads: each lane's waiting events in arrival order.
      CREATE INDEX bronze_events_waiting ON bronze_events (lane, seq) WHERE applied_at IS NULL;
      -- Freshness over the last minute, and pruning of applied events.
      CREATE INDEX bronze_events_applied ON bronze_events (applied_at) WHERE applied_at IS NOT NULL;
      CREATE INDEX bronze_events_by_identity ON bronze_events USING gin (identity_keys);
      CREATE TABLE pipeline_partitions (
        partition   smallint PRIMARY KEY,
        owner       text,
        lease_until timestamptz NOT NULL DEFAULT '-infinity'
      );
      INSERT INTO pipeline_partitions (partition) SELECT generate_series(0, 31);
      CREATE TABLE pipeline_workers (
        worker  text PRIMARY KEY,
        seen_at timestamptz NOT NULL
      );
      CREATE TABLE pipeline_batches (
        batch_id    text PRIMARY KEY,
        owner       text NOT NULL,
        lease_until timestamptz NOT NULL,
        events      integer NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: 'a failed pipeline batch holds back its partitions until it is recovered',
    // Without this a retry of the failed batch's events could find them claimed by the
    // failed batch, count them as duplicates and mark them applied while the failed batch's
    // log appends were still missing (visible only once a recoverer ran, seconds later).
    // Now the partitions a batch touches are recorded with it, and a batch that failed
    // (abandoned) or whose worker died (lease run out) keeps them out of \`waiting\` until a
    // recoverer has finished and dropped it.
    sql: `
      ALTER TABLE pipeline_batches
        ADD COLUMN partitions smallint[] NOT NULL DEFAULT '{}',
        ADD COLUMN abandoned  boolean NOT NULL DEFAULT false;
    `,
  },
  {
    version: 8,
    name: 'the version of the blocking keys each match record was indexed with',
    // Keys are made in the application (phonetic codes), so a change of what keys are made
    // cannot be migrated in SQL: records indexed before it keep version 1 and are re-keyed
    // in the background by the identity-training job (see MatchTrainer.rekeyStale).
    sql: `
      ALTER TABLE match_records ADD COLUMN keys_version smallint NOT NULL DEFAULT 1;
    `,
  },
];

/**
 * Brings the schema up to date (or up to `through`: how a test builds an older schema to
 * migrate data from). Safe to run from several processes at once: an advisory lock
 * serialises them, and each applied version is recorded.
 */
export async function migrate(
  pool: Pool,
  schema: string,
  options: { through?: number } = {},
): Promise<number[]> {
  const client = await pool.connect();
  const lockKey = `mosaic-migrations:${schema}`;
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(`SET search_path TO ${quoteIdent(schema)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>(
      'SELECT version FROM schema_migrations',
    );
    const applied = new Set(rows.map((r) => r.version));
    const ran: number[] = [];
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      if (options.through !== undefined && m.version > options.through) break;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          m.version,
          m.name,
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
      ran.push(m.version);
    }
    return ran;
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
    client.release();
  }
}
