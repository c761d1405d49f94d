import type { Db } from 'mongodb';

/**
 * What the MongoDB-compatible server does well, asked once at start. MongoDB is the
 * production store: one `{_id: {$in: keys}}` query answers a batch in one round trip, and
 * secondary indexes serve the queries that filter on other fields. FerretDB's SQLite
 * backend pushes down only single-`_id` equality: `$in` scans the collection there, and
 * secondary indexes only cost writes. The data model is the same on both; only the
 * path of a look-up and the indexes created differ.
 */
export interface StoreCapabilities {
  server: 'mongodb' | 'ferretdb';
  /** Batches of `_id` look-ups as one `$in` query (else one `findOne` per key, concurrently). */
  batchedIdLookups: boolean;
  /** Create the secondary indexes of the queries that filter on fields other than `_id`. */
  queryIndexes: boolean;
  /**
   * Reads a stretch of an append log (its newest entries, a page, its length) with one
   * sorted, limited find on the `{log, seq}` index, instead of one `_id` look-up per slot.
   */
  rangeScans: boolean;
}

/** The safe choice on any server: what FerretDB needs. */
export const PER_KEY_LOOKUPS: StoreCapabilities = {
  server: 'ferretdb',
  batchedIdLookups: false,
  queryIndexes: false,
  rangeScans: false,
};

/** What MongoDB does well (exported for the tests that run this path against FerretDB). */
export const MONGODB: StoreCapabilities = {
  server: 'mongodb',
  batchedIdLookups: true,
  queryIndexes: true,
  rangeScans: true,
};

/** FerretDB says so in `buildInfo` (`ferretdbVersion`); anything else is taken for MongoDB. */
export async function detectCapabilities(db: Db): Promise<StoreCapabilities> {
  const info = await db.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info ? PER_KEY_LOOKUPS : MONGODB;
}
