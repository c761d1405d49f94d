import { type App, createApp } from '../../src/app';
import { collectionCounts } from './store';
import { collections } from '../../src/store/mongo/collections';
import { silentLogger, testConfig, uniqueDatabaseName } from './env';
import { dropPgSchema, pgSchemaFor } from './postgres';
import { pipelineDrained } from './pipeline';
import { dropRedisKeys } from './redis';

export interface TestApp {
  app: App;
  url: string;
  database: string;
  /** The PostgreSQL schema holding this app's orders. */
  pgSchema: string;
  /** Documents per collection, once every accepted event is applied. */
  counts(): Promise<Record<string, number>>;
  /** Resolves once the pipeline has applied every accepted event. */
  drained(): Promise<void>;
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
    async counts() {
      await pipelineDrained(app.services);
      return collectionCounts(collections(db));
    },
    drained: () => pipelineDrained(app.services),
    async close() {
      await db.dropDatabase().catch(() => undefined);
      await app.close();
      await dropPgSchema(pgSchema).catch(() => undefined);
      await dropRedisKeys(database).catch(() => undefined);
    },
  };
}
