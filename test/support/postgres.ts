import { Pool } from 'pg';
import { testConfig } from './env';

/** A PostgreSQL schema name for one test file's orders; `dropPgSchema` removes it. */
export function pgSchemaFor(database: string): string {
  return `t_${database.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}`.slice(0, 63);
}

/** Runs SQL directly against the test PostgreSQL (outside the gateway). */
export async function withPg<T>(fn: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = new Pool({ connectionString: testConfig().postgres.url, max: 2 });
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

export function dropPgSchema(schema: string): Promise<void> {
  return withPg(async (pool) => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
}
