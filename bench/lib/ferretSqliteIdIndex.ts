import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where `scripts/services.sh` keeps the SQLite handler's files: one `<db>.sqlite` per database. */
const SQLITE_DIR = join(__dirname, '..', '..', '.data', 'ferretdb');
/** The name tools/ferretdb's indexer gives the same index, so neither adds a duplicate. */
const INDEX_SUFFIX = '_mosaic_id_path';

export type IdIndexState =
  /** FerretDB (tools/ferretdb's indexer) had indexed every table already. */
  | { indexed: true; by: 'store' }
  /** This run added the index to the tables that lacked it. */
  | { indexed: true; by: 'bench' }
  | { indexed: false; why: string };

/**
 * FerretDB 1.24's SQLite backend indexes `_id` as `_ferretdb_sjson->"_id"` but pushes a
 * `{_id: x}` filter down as `_ferretdb_sjson->'$._id' = ?`. SQLite matches expression
 * indexes by their text, so its own index is never used and every look-up by `_id` scans
 * the table. tools/ferretdb adds an index on the pushed-down expression to new tables;
 * a FerretDB started before that fix does not, and the benchmark would then measure
 * table scans, not Mosaic. So the benchmark makes sure its own, throw-away database
 * has the index, and checks with EXPLAIN QUERY PLAN that every table uses it.
 */
export async function ensureIdPathIndexes(database: string): Promise<IdIndexState> {
  if ((process.env.FERRETDB_HANDLER ?? 'sqlite') !== 'sqlite') {
    return { indexed: false, why: 'the store is not the SQLite handler' };
  }
  const file = join(SQLITE_DIR, `${database}.sqlite`);
  if (!existsSync(file)) return { indexed: false, why: `no SQLite file for ${database}` };
  const sqlite = async (sql: string): Promise<string[]> =>
    // FerretDB holds the file open; the busy timeout waits out its write locks.
    (await run('sqlite3', ['-cmd', '.timeout 10000', file, sql])).stdout
      .split('\n')
      .filter(Boolean);

  try {
    const tables = (await sqlite('SELECT table_name FROM _ferretdb_collections;')).filter((t) =>
      /^[a-z0-9_]+$/.test(t),
    );
    // tools/ferretdb indexes new tables within a fraction of a second: give it that long.
    let missing: string[] = tables;
    for (let wait = 0; wait < 20 && missing.length > 0; wait++) {
      if (wait > 0) await new Promise((r) => setTimeout(r, 100));
      const existing = new Set(
        await sqlite(`SELECT name FROM sqlite_master WHERE type = 'index';`),
      );
      missing = tables.filter((t) => !existing.has(t + INDEX_SUFFIX));
    }
    if (missing.length > 0) {
      await sqlite(
        missing
          .map(
            (t) =>
              `CREATE INDEX IF NOT EXISTS "${t}${INDEX_SUFFIX}" ON "${t}" (_ferretdb_sjson->'$._id');`,
          )
          .join('\n'),
      );
    }
    for (const t of tables) {
      const plan = await sqlite(
        `EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "${t}" WHERE _ferretdb_sjson->'$._id' = '"x"';`,
      );
      if (!plan.some((line) => line.includes('USING INDEX'))) {
        return { indexed: false, why: `look-ups in ${t} still scan: ${plan.join(' ')}` };
      }
    }
    return missing.length > 0 ? { indexed: true, by: 'bench' } : { indexed: true, by: 'store' };
  } catch (err) {
    return { indexed: false, why: `sqlite3 failed: ${err instanceof Error ? err.message : ''}` };
  }
}
