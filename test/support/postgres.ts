import { Pool } from 'pg';
import { createPostgresPool } from '../../src/store/postgres/connection';
import { migrate } from '../../src/store/postgres/migrations';
import { testConfig, uniqueDatabaseName } from './env';

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

/**
 * A schema of its own for one test file (named after `label`), migrated to the latest
 * version or `through` an older one, with a pool on it; `drop` ends the pool and removes
 * the schema.
 */
export async function migratedSchema(
  label: string,
  options: { through?: number } = {},
): Promise<{ schema: string; pool: Pool; drop(): Promise<void> }> {
  const schema = pgSchemaFor(uniqueDatabaseName(label));
  const pool = createPostgresPool({
    url: testConfig().postgres.url,
    schema,
    statementTimeoutMs: 30_000,
  });
  await migrate(pool, schema, options);
  return {
    schema,
    pool,
    drop: async () => {
      await pool.end();
      await dropPgSchema(schema);
    },
  };
}
