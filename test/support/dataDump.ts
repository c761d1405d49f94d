import { Redis } from 'ioredis';
import { Binary } from 'mongodb';
import type { TestApp } from './app';
import { testConfig } from './env';
import { withPg } from './postgres';

/**
 * Everything an app holds, as text, one entry per collection, table or Redis key: every
 * document of every collection in its database (listed, not assumed), every row of every
 * table in its PostgreSQL schema, and every Redis key under its prefix with its whole
 * value, whatever the type. For tests that must prove something is nowhere.
 */
export async function dumpEverything(t: TestApp): Promise<Map<string, string>> {
  const app = { db: t.app.db, pgSchema: t.pgSchema, database: t.database };
  const out = new Map<string, string>();
  for (const { name } of await app.db.listCollections({}, { nameOnly: true }).toArray()) {
    const docs = await app.db.collection(name).find({}).toArray();
    out.set(`mongo:${name}`, docs.map((d) => JSON.stringify(d, binaryAsText)).join('\n'));
  }
  await withPg(async (pool) => {
    const { rows: tables } = await pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1`,
      [app.pgSchema],
    );
    for (const { table_name } of tables) {
      const { rows } = await pool.query(`SELECT * FROM "${app.pgSchema}"."${table_name}"`);
      out.set(`pg:${table_name}`, rows.map((r) => JSON.stringify(r)).join('\n'));
    }
  });
  const redis = new Redis(testConfig().redis.url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `mosaic:${app.database}:*`,
        'COUNT',
        1000,
      );
      cursor = next;
      for (const key of keys) out.set(`redis:${key}`, `${key}\n${await redisValue(redis, key)}`);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return out;
}

/**
 * Binary values (e.g. BSON blobs) as the text they hold, so a search finds what is inside.
 * A replacer sees a value after its `toJSON` (base64 for Binary): the holder has the original.
 */
function binaryAsText(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  if (original instanceof Binary) return Buffer.from(original.buffer).toString('utf8');
  return value;
}

async function redisValue(redis: Redis, key: string): Promise<string> {
  switch (await redis.type(key)) {
    case 'string':
      return (await redis.get(key)) ?? '';
    case 'hash':
      return JSON.stringify(await redis.hgetall(key));
    case 'list':
      return JSON.stringify(await redis.lrange(key, 0, -1));
    case 'set':
      return JSON.stringify(await redis.smembers(key));
    case 'zset':
      return JSON.stringify(await redis.zrange(key, 0, -1));
    case 'stream':
      return JSON.stringify(await redis.xrange(key, '-', '+'));
    default:
      return '';
  }
}

/** Where each needle occurs (case-insensitively): `needle → [collection/table/key, …]`. */
export function findAll(dump: Map<string, string>, needles: string[]): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const [where, text] of dump) {
    const lower = text.toLowerCase();
    for (const n of needles) if (lower.includes(n.toLowerCase())) (found[n] ??= []).push(where);
  }
  return found;
}
