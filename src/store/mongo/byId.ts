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
      : await Promise.all(unique.map((id) => col.findOne({ _id: id } as never)));
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
