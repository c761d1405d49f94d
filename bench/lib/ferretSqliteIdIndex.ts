import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where `scripts/services.sh` keeps the SQLite handler's files: one `<db>.sqlite` per database. */
const SQLITE_DIR = join(__dirname, '..', '..', '.data', 'ferretdb');

export type IdIndexState = { indexed: true } | { indexed: false; why: string };

/**
 * FerretDB 1.24's SQLite backend queries `_id` through an expression its own index does
 * not match; tools/ferretdb adds an index on the queried expression to every new table
 * (see tools/ferretdb/idindex.go). Without it the benchmark would measure table scans,
 * so it checks, with EXPLAIN QUERY PLAN, that its database's look-ups use an index, and
 * says so in its report. It changes nothing.
 */
export async function checkIdIndexes(database: string): Promise<IdIndexState> {
  if ((process.env.FERRETDB_HANDLER ?? 'sqlite') !== 'sqlite') {
    return { indexed: false, why: 'the store is not the SQLite handler' };
  }
  const file = join(SQLITE_DIR, `${database}.sqlite`);
  if (!existsSync(file)) return { indexed: false, why: `no SQLite file for ${database}` };
  const sqlite = async (sql: string): Promise<string[]> =>
    (await run('sqlite3', ['-readonly', '-cmd', '.timeout 10000', file, sql])).stdout
      .split('\n')
      .filter(Boolean);

  try {
    const tables = (await sqlite('SELECT table_name FROM _ferretdb_collections;')).filter((t) =>
      /^[a-z0-9_]+$/.test(t),
    );
    // The store indexes new tables within a fraction of a second: give it that long.
    let scanning: string[] = tables;
    for (let wait = 0; wait < 20 && scanning.length > 0; wait++) {
      if (wait > 0) await new Promise((r) => setTimeout(r, 100));
      const plans = await Promise.all(
        scanning.map((t) =>
          sqlite(
            `EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "${t}" WHERE _ferretdb_sjson->'$._id' = '"x"';`,
          ),
        ),
      );
      scanning = scanning.filter((_, i) => !plans[i]!.some((line) => line.includes('USING INDEX')));
    }
    if (scanning.length > 0) {
      return {
        indexed: false,
        why: `look-ups in ${scanning.join(', ')} scan (a FerretDB started before tools/ferretdb's index fix? restart it with scripts/services.sh down && scripts/services.sh up)`,
      };
    }
    return { indexed: true };
  } catch (err) {
    return { indexed: false, why: `sqlite3 failed: ${err instanceof Error ? err.message : ''}` };
  }
}
