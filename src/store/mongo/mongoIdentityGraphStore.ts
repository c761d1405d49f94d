import { MongoBulkWriteError, type Collection, type WriteError } from 'mongodb';
import type { IdentityGraphStore } from '../identityGraphStore';
import type { EventClaimDoc, IdentityDoc, PendingEventBatchDoc, ProfileDoc } from '../models';
import type { Collections } from './collections';
import { DUPLICATE_KEY, isDuplicateKey } from './errors';
import { MongoAppendLog } from './mongoAppendLog';

/** Inserts, and reports a duplicate `_id` as `false` instead of an error. */
async function insertUnlessExists(insert: () => Promise<unknown>): Promise<boolean> {
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

export class MongoIdentityGraphStore implements IdentityGraphStore {
  readonly profileLog;
  readonly eventLog;

  constructor(private readonly c: Collections) {
    this.profileLog = new MongoAppendLog(c.profileLog, c.logTails);
    this.eventLog = new MongoAppendLog(c.eventLog, c.logTails);
  }

  getIdentities(keys: string[]) {
    return getByIds(this.c.identities, keys);
  }

  claimIdentities(docs: IdentityDoc[]) {
    return insertManyUnlessExists(this.c.identities, docs);
  }

  getMergePointers(profileIds: string[]) {
    return getByIds(this.c.mergePointers, profileIds);
  }

  insertMergePointer(doc: Parameters<IdentityGraphStore['insertMergePointer']>[0]) {
    return insertUnlessExists(() => this.c.mergePointers.insertOne(doc));
  }

  async replaceMergePointer(doc: Parameters<IdentityGraphStore['replaceMergePointer']>[0]) {
    await this.c.mergePointers.replaceOne({ _id: doc._id }, doc, { upsert: true });
  }

  async deleteMergePointer(profileId: string) {
    await this.c.mergePointers.deleteOne({ _id: profileId });
  }

  async insertUnmerge(doc: Parameters<IdentityGraphStore['insertUnmerge']>[0]) {
    await this.c.unmerges.insertOne(doc);
  }

  getUnmerges(ids: string[]) {
    return getByIds(this.c.unmerges, ids);
  }

  getRecords(ids: string[]) {
    return getByIds(this.c.records, ids);
  }

  insertRecord(doc: Parameters<IdentityGraphStore['insertRecord']>[0]) {
    return insertUnlessExists(() => this.c.records.insertOne(doc));
  }

  async updateRecordContent(
    id: string,
    content: Parameters<IdentityGraphStore['updateRecordContent']>[1],
  ) {
    await this.c.records.updateOne({ _id: id }, { $set: content });
  }

  putRawRecord(doc: Parameters<IdentityGraphStore['putRawRecord']>[0]) {
    return insertUnlessExists(() => this.c.rawRecords.insertOne(doc));
  }

  getRawRecords(ids: string[]) {
    return getByIds(this.c.rawRecords, ids);
  }

  getProfiles(ids: string[]) {
    return getByIds(this.c.profiles, ids);
  }

  async replaceProfile(doc: ProfileDoc) {
    // Two concurrent upserts of a new _id can both try the insert; the loser sees a
    // duplicate key, and by then the document exists, so replacing again succeeds.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.c.profiles.replaceOne({ _id: doc._id }, doc, { upsert: true });
        return;
      } catch (err) {
        if (!isDuplicateKey(err) || attempt >= 3) throw err;
      }
    }
  }

  insertProfile(doc: ProfileDoc) {
    return insertUnlessExists(() => this.c.profiles.insertOne(doc));
  }

  listLiveProfiles(afterId: string | null, limit: number) {
    const filter =
      afterId === null ? { mergedInto: null } : { mergedInto: null, _id: { $gt: afterId } };
    return this.c.profiles.find(filter).sort({ _id: 1 }).limit(limit).toArray();
  }

  getEventClaims(messageIds: string[]) {
    return getByIds(this.c.events, messageIds);
  }

  async insertEventClaims(docs: EventClaimDoc[]) {
    const { conflicts } = await insertManyUnlessExists(this.c.events, docs);
    return { duplicates: conflicts };
  }

  async insertPendingEventBatch(doc: PendingEventBatchDoc) {
    await this.c.pendingEventBatches.insertOne(doc);
  }

  async deletePendingEventBatch(id: string) {
    await this.c.pendingEventBatches.deleteOne({ _id: id });
  }

  listPendingEventBatches(createdBefore: Date, limit: number) {
    return this.c.pendingEventBatches
      .find({ createdAt: { $lt: createdBefore } })
      .limit(limit)
      .toArray();
  }
}
