import { Pool, type PoolClient, type QueryConfig } from 'pg';

/** The pool the wiring holds and hands to this folder's stores; nothing else sees the driver. */
export type { Pool };

export interface PostgresOptions {
  url: string;
  /** Schema holding Mosaic's tables; tests use one per file. */
  schema: string;
  /** Server-side bound on any statement, so a stuck query cannot hold a connection forever. */
  statementTimeoutMs: number;
}

/**
 * A connection pool for the transactional source. Connections fail fast (a source that
 * is down must not stall profile reads) and run with the schema on the search path.
 */
export function createPostgresPool(options: PostgresOptions): Pool {
  const pool = new Pool({
    connectionString: options.url,
    max: 10,
    connectionTimeoutMillis: Math.max(500, options.statementTimeoutMs),
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs,
    options: `-c search_path=${options.schema}`,
  });
  // An idle client losing its server (PostgreSQL restarted) is reported here; the pool
  // replaces it on the next checkout, so it must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Whether PostgreSQL answers, for `/readyz`: a `SELECT 1` through the pool the order store,
 * audit trail and API keys use, so it reports what their queries would meet. Bounded on
 * the client too (pg's `query_timeout`, missing from its types): against a server that
 * stopped answering, `statement_timeout` never fires, and the probe must not keep a pooled
 * connection past its own deadline (a timed-out connection is dropped from the pool).
 */
export async function pingPostgres(pool: Pool, timeoutMs: number): Promise<void> {
  await pool.query({ text: 'SELECT 1', query_timeout: timeoutMs } as QueryConfig);
}

/** Double-quotes an SQL identifier (schema names come from configuration, validated there too). */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Runs `work` on one connection inside BEGIN/COMMIT, rolling back when it throws (a
 * failed rollback is ignored: the connection is released either way and the first error
 * is the one worth reporting).
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (db: PoolClient) => Promise<T>,
): Promise<T> {
  const db = await pool.connect();
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
