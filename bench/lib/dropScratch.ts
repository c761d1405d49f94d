import { Redis } from 'ioredis';
import { Pool } from 'pg';
import type { Config } from '../../src/config/env';
import { scanKeys } from '../../src/store/redis/scanKeys';

/** Drops a run's PostgreSQL schema and its Redis keys (`mosaic:<database>:*`). */
export async function dropSchemaAndKeys(
  base: Config,
  database: string,
  schema: string,
): Promise<void> {
  const pg = new Pool({ connectionString: base.postgres.url, max: 1 });
  await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await pg.end();
  const redis = new Redis(base.redis.url);
  for await (const found of scanKeys(redis, `mosaic:${database}:*`, 1000))
    await redis.unlink(...found);
  redis.disconnect();
}
