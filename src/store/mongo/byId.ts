import { MongoBulkWriteError, type Collection, type WriteError } from 'mongodb';
import { DUPLICATE_KEY, isDuplicateKey } from './errors';

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
 * Look-ups by `_id`, one query per key, issued concurrently over the connection pool.
 * (A single `{_id: {$in: keys}}` is one round trip on MongoDB but a full collection scan
 * on FerretDB's SQLite backend, which pushes down only single-`_id` equality.)
 */
export async function getByIds<T extends { _id: string }>(
  col: Collection<T>,
  ids: string[],
): Promise<Map<string, T>> {
  const unique = [...new Set(ids)];
  const docs = await Promise.all(unique.map((id) => col.findOne({ _id: id } as never)));
  const out = new Map<string, T>();
  for (const doc of docs) if (doc) out.set(doc._id, doc as T);
  return out;
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
    if (err instanceof MongoBulkWriteError) {
      const raw: WriteError | WriteError[] = err.writeErrors as WriteError | WriteError[];
      const writeErrors = Array.isArray(raw) ? raw : [raw];
      if (writeErrors.every((e) => e.code === DUPLICATE_KEY)) {
        return { conflicts: writeErrors.map((e) => docs[e.index]!._id) };
      }
    }
    if (isDuplicateKey(err) && docs.length === 1) return { conflicts: [docs[0]!._id] };
    throw err;
  }
}
