import type { Collection } from 'mongodb';
import { currentLane, yieldToLive } from '../../ingest/lanes';
import { duplicateInserts, isDuplicateKey } from './errors';

/** Inserts, and reports a duplicate `_id` as `false` instead of an error. */
export async function insertUnlessExists(insert: () => Promise<unknown>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/**
 * Look-ups by `_id`: one `{_id: {$in: keys}}` query where the server plans it well
 * (`batched`, MongoDB: one round trip), else one query per key, issued concurrently over
 * the connection pool (FerretDB's SQLite backend scans the collection for `$in`; see
 * `capabilities.ts`). The same map either way.
 */
export async function getByIds<T extends { _id: string }>(
  col: Collection<T>,
  ids: string[],
  batched = false,
): Promise<Map<string, T>> {
  const unique = [...new Set(ids)];
  const docs =
    batched && unique.length > 1
      ? await col.find({ _id: { $in: unique } } as never).toArray()
      : await findEach(col, unique);
  const out = new Map<string, T>();
  for (const doc of docs as (T | null)[]) if (doc) out.set(doc._id, doc);
  return out;
}

/** An import's look-ups in flight at once, per call, on the one-query-per-key path. */
const BULK_LOOKUP_WINDOW = 32;

/**
 * One `findOne` per key. An import's batch looks up a thousand keys at once; issued
 * together, they would queue in the connection pool ahead of a visitor's next query, so
 * bulk-lane work sends them a window at a time and lets live work in between.
 */
async function findEach<T extends { _id: string }>(
  col: Collection<T>,
  ids: string[],
): Promise<unknown[]> {
  const findOne = (id: string) => col.findOne({ _id: id } as never);
  if (currentLane() !== 'bulk' || ids.length <= BULK_LOOKUP_WINDOW)
    return Promise.all(ids.map(findOne));
  const docs: unknown[] = [];
  for (let i = 0; i < ids.length; i += BULK_LOOKUP_WINDOW) {
    await yieldToLive();
    docs.push(...(await Promise.all(ids.slice(i, i + BULK_LOOKUP_WINDOW).map(findOne))));
  }
  return docs;
}

/** Inserts every document whose `_id` is free; returns the `_id`s that were taken. */
export async function insertManyUnlessExists<T extends { _id: string }>(
  col: Collection<T>,
  docs: T[],
): Promise<{ conflicts: string[] }> {
  if (docs.length === 0) return { conflicts: [] };
  try {
    await col.insertMany(docs as never[], { ordered: false });
    return { conflicts: [] };
  } catch (err) {
    const duplicates = duplicateInserts(err, docs.length);
    if (duplicates !== null) return { conflicts: duplicates.map((i) => docs[i]!._id) };
    if (isDuplicateKey(err) && docs.length === 1) return { conflicts: [docs[0]!._id] };
    throw err;
  }
}
