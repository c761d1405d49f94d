import { Pool } from 'pg';

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

/** Double-quotes an SQL identifier (schema names come from configuration, validated there too). */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
