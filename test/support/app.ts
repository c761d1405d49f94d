import { type App, createApp } from '../../src/app';
import { collectionCounts } from './store';
import { collections } from '../../src/store/mongo/collections';
import { silentLogger, testConfig, uniqueDatabaseName } from './env';
import { dropPgSchema, pgSchemaFor } from './postgres';
import { dropRedisKeys } from './redis';

export interface TestApp {
  app: App;
  url: string;
  database: string;
  /** The PostgreSQL schema holding this app's orders. */
  pgSchema: string;
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** A whole gateway, in-process, on a free port, over its own database. */
export async function startTestApp(
  label: string,
  overrides: Record<string, string> = {},
): Promise<TestApp> {
  const database = uniqueDatabaseName(label);
  const pgSchema = overrides.POSTGRES_SCHEMA ?? pgSchemaFor(database);
  const app = await createApp(
    testConfig({ POSTGRES_SCHEMA: pgSchema, ...overrides }),
    silentLogger,
    {
      database,
    },
  );
  const port = await app.gateway.listen(0, '127.0.0.1');
  const db = app.db;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    database,
    pgSchema,
    counts: () => collectionCounts(collections(db)),
    async close() {
      await db.dropDatabase().catch(() => undefined);
      await app.close();
      await dropPgSchema(pgSchema).catch(() => undefined);
      await dropRedisKeys(database).catch(() => undefined);
    },
  };
}
