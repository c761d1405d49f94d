import type { IdentityGraphStore } from '../identityGraphStore';
import type { EventClaimDoc, IdentityDoc, PendingEventBatchDoc, ProfileDoc } from '../models';
import { PER_KEY_LOOKUPS, type StoreCapabilities } from './capabilities';
import { getByIds, insertManyUnlessExists, insertUnlessExists } from './byId';
import type { Collections } from './collections';
import { isDuplicateKey, isStoreUnreachable } from './errors';
import { MongoAppendLog } from './mongoAppendLog';

export class MongoIdentityGraphStore implements IdentityGraphStore {
  readonly profileLog;
  readonly eventLog;

  private readonly batched: boolean;

  constructor(
    private readonly c: Collections,
    capabilities: StoreCapabilities = PER_KEY_LOOKUPS,
  ) {
    this.batched = capabilities.batchedIdLookups;
    this.profileLog = new MongoAppendLog(c.profileLog, c.logTails, capabilities);
    this.eventLog = new MongoAppendLog(c.eventLog, c.logTails, capabilities);
  }
  isUnreachable(err: unknown): boolean {
    return isStoreUnreachable(err);
  }

  getIdentities(keys: string[]) {
    return getByIds(this.c.identities, keys, this.batched);
  }

  claimIdentities(docs: IdentityDoc[]) {
    return insertManyUnlessExists(this.c.identities, docs);
  }

  getMergePointers(profileIds: string[]) {
    return getByIds(this.c.mergePointers, profileIds, this.batched);
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
    return getByIds(this.c.unmerges, ids, this.batched);
  }

  getRecords(ids: string[]) {
    return getByIds(this.c.records, ids, this.batched);
  }

  insertRecord(doc: Parameters<IdentityGraphStore['insertRecord']>[0]) {
    return insertUnlessExists(() => this.c.records.insertOne(doc));
  }

  insertRecords(docs: Parameters<IdentityGraphStore['insertRecords']>[0]) {
    return insertManyUnlessExists(this.c.records, docs);
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

  putRawRecords(docs: Parameters<IdentityGraphStore['putRawRecords']>[0]) {
    return insertManyUnlessExists(this.c.rawRecords, docs);
  }

  getRawRecords(ids: string[]) {
    return getByIds(this.c.rawRecords, ids, this.batched);
  }

  getProfiles(ids: string[]) {
    return getByIds(this.c.profiles, ids, this.batched);
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

  insertProfiles(docs: ProfileDoc[]) {
    return insertManyUnlessExists(this.c.profiles, docs);
  }

  listLiveProfiles(afterId: string | null, limit: number) {
    const filter =
      afterId === null ? { mergedInto: null } : { mergedInto: null, _id: { $gt: afterId } };
    return this.c.profiles.find(filter).sort({ _id: 1 }).limit(limit).toArray();
  }

  getEventClaims(messageIds: string[]) {
    return getByIds(this.c.events, messageIds, this.batched);
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

  getPendingEventBatch(id: string) {
    return this.c.pendingEventBatches.findOne({ _id: id });
  }

  listPendingEventBatches(createdBefore: Date, limit: number) {
    return this.c.pendingEventBatches
      .find({ createdAt: { $lt: createdBefore } })
      .limit(limit)
      .toArray();
  }
}
