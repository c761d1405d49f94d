import type { Pool } from 'pg';
import { quoteIdent } from './postgres';

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
];

/**
 * Brings the schema up to date. Safe to run from several processes at once: an advisory
 * lock serialises them, and each applied version is recorded.
 */
export async function migrate(pool: Pool, schema: string): Promise<number[]> {
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
