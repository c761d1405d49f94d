import { MongoBulkWriteError, MongoServerError, type WriteError } from 'mongodb';
import type { IdentityGraphStore } from '../identityGraphStore';
import type { IdentityDoc, ProfileDoc } from '../models';
import type { Collections } from './collections';

const DUPLICATE_KEY = 11000;

const isDuplicateKey = (err: unknown): boolean =>
  err instanceof MongoServerError && err.code === DUPLICATE_KEY;

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

export class MongoIdentityGraphStore implements IdentityGraphStore {
  constructor(private readonly c: Collections) {}

  findIdentities(keys: string[]) {
    if (keys.length === 0) return Promise.resolve([]);
    return this.c.identities.find({ _id: { $in: keys } }).toArray();
  }

  identitiesOfProfiles(profileIds: string[]) {
    if (profileIds.length === 0) return Promise.resolve([]);
    return this.c.identities.find({ profileId: { $in: profileIds } }).toArray();
  }

  async claimIdentities(docs: IdentityDoc[]) {
    if (docs.length === 0) return { conflicts: [] };
    try {
      await this.c.identities.insertMany(docs, { ordered: false });
      return { conflicts: [] };
    } catch (err) {
      if (err instanceof MongoBulkWriteError) {
        const writeErrors: WriteError[] = Array.isArray(err.writeErrors)
          ? (err.writeErrors as WriteError[])
          : [err.writeErrors as WriteError];
        if (writeErrors.every((e) => e.code === DUPLICATE_KEY)) {
          return { conflicts: writeErrors.map((e) => docs[e.index]!._id) };
        }
      }
      if (isDuplicateKey(err) && docs.length === 1) return { conflicts: [docs[0]!._id] };
      throw err;
    }
  }

  findMergePointers(profileIds: string[]) {
    if (profileIds.length === 0) return Promise.resolve([]);
    return this.c.mergePointers.find({ _id: { $in: profileIds } }).toArray();
  }

  mergePointersInto(survivorIds: string[]) {
    if (survivorIds.length === 0) return Promise.resolve([]);
    return this.c.mergePointers.find({ into: { $in: survivorIds } }).toArray();
  }

  insertMergePointer(doc: Parameters<IdentityGraphStore['insertMergePointer']>[0]) {
    return insertUnlessExists(() => this.c.mergePointers.insertOne(doc));
  }

  async appendMergeLog(doc: Parameters<IdentityGraphStore['appendMergeLog']>[0]) {
    await insertUnlessExists(() => this.c.mergeLog.insertOne(doc));
  }

  mergeLogFor(profileIds: string[]) {
    if (profileIds.length === 0) return Promise.resolve([]);
    return this.c.mergeLog
      .find({ $or: [{ survivorId: { $in: profileIds } }, { mergedId: { $in: profileIds } }] })
      .sort({ at: 1, _id: 1 })
      .toArray();
  }

  findRecord(id: string) {
    return this.c.records.findOne({ _id: id });
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

  recordsOfProfiles(profileIds: string[]) {
    if (profileIds.length === 0) return Promise.resolve([]);
    return this.c.records.find({ profileId: { $in: profileIds } }).toArray();
  }

  async putRawRecord(doc: Parameters<IdentityGraphStore['putRawRecord']>[0]) {
    await insertUnlessExists(() => this.c.rawRecords.insertOne(doc));
  }

  findProfile(id: string) {
    return this.c.profiles.findOne({ _id: id });
  }

  findProfiles(ids: string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return this.c.profiles.find({ _id: { $in: ids } }).toArray();
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

  listLiveProfiles(afterId: string | null, limit: number) {
    const filter =
      afterId === null ? { mergedInto: null } : { mergedInto: null, _id: { $gt: afterId } };
    return this.c.profiles.find(filter).sort({ _id: 1 }).limit(limit).toArray();
  }

  findEvent(id: string) {
    return this.c.events.findOne({ _id: id });
  }

  insertEvent(doc: Parameters<IdentityGraphStore['insertEvent']>[0]) {
    return insertUnlessExists(() => this.c.events.insertOne(doc));
  }

  recentEvents(profileIds: string[], limit: number) {
    if (profileIds.length === 0 || limit <= 0) return Promise.resolve([]);
    return this.c.events
      .find({ profileId: { $in: profileIds } })
      .sort({ timestamp: -1, _id: -1 })
      .limit(limit)
      .toArray();
  }
}
