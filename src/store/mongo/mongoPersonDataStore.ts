import type { Collection } from 'mongodb';
import type { ErasedCounts, PersonDataStore, StoreErasure } from '../personDataStore';
import type { ErasureDoc, MergePointerDoc, PendingEventBatchDoc, UnmergeDoc } from '../models';
import type { Collections } from './collections';
import { slotId } from './mongoAppendLog';

/** Deletes issued at once: each is a look-up by `_id`, which every store indexes. */
const DELETE_CONCURRENCY = 64;

/**
 * Deletes by `_id`, one statement per key. (`{_id: {$in: keys}}` would be one round trip on
 * MongoDB but a scan of the whole collection per call on FerretDB's SQLite backend.)
 */
async function deleteByIds(col: Collection<{ _id: string }>, ids: string[]): Promise<number> {
  let deleted = 0;
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += DELETE_CONCURRENCY) {
    const results = await Promise.all(
      unique.slice(i, i + DELETE_CONCURRENCY).map((id) => col.deleteOne({ _id: id })),
    );
    for (const r of results) deleted += r.deletedCount;
  }
  return deleted;
}

const slotOf = (e: { log: string; seq: number }): string => slotId(e.log, e.seq);

const asIdCollection = (col: Collection<never>) => col as unknown as Collection<{ _id: string }>;

export class MongoPersonDataStore implements PersonDataStore {
  constructor(private readonly c: Collections) {}

  identitiesOwnedBy(profileIds: string[]) {
    return this.c.identities.find({ profileId: { $in: profileIds } }).toArray();
  }

  mergePointersInto(profileIds: string[]) {
    return this.c.mergePointers.find({ into: { $in: profileIds } }).toArray();
  }

  rawRecordsOf(recordIds: string[]) {
    if (recordIds.length === 0) return Promise.resolve([]);
    return this.c.rawRecords.find({ recordId: { $in: recordIds } }).toArray();
  }

  profileLogEntries(logNames: string[]) {
    return this.c.profileLog.find({ log: { $in: logNames } }).toArray();
  }

  eventLogEntries(logNames: string[]) {
    return this.c.eventLog.find({ log: { $in: logNames } }).toArray();
  }

  segmentSubjects(profileIds: string[]) {
    return this.c.segmentSubjects.find({ _id: { $in: profileIds } }).toArray();
  }

  segmentChangesOf(profileIds: string[]) {
    return this.c.segmentChanges.find({ profileId: { $in: profileIds } }).toArray();
  }

  async pendingBatchesWith(profileIds: string[]) {
    // The collection holds only batches being written (a handful): filtered here rather
    // than with a query into its arrays, which not every compatible store handles alike.
    const ids = new Set(profileIds);
    const batches = await this.c.pendingEventBatches.find({}).toArray();
    return batches.filter((b) => b.events.some((e) => ids.has(e.event.profileId)));
  }

  async erase(t: StoreErasure): Promise<ErasedCounts> {
    const c = this.c;
    // Identities first: from here on a new record carrying the person's identifiers starts
    // a new profile instead of joining the one being erased.
    const identities = await deleteByIds(asIdCollection(c.identities as never), t.identityKeys);
    const [pointers, records, rawRecords, profileLog, eventLog, tails, profiles] =
      await Promise.all([
        deleteByIds(asIdCollection(c.mergePointers as never), t.profileIds),
        deleteByIds(asIdCollection(c.records as never), t.recordIds),
        deleteByIds(asIdCollection(c.rawRecords as never), t.rawRecordIds),
        deleteByIds(asIdCollection(c.profileLog as never), t.profileLogEntries.map(slotOf)),
        deleteByIds(asIdCollection(c.eventLog as never), t.eventLogEntries.map(slotOf)),
        deleteByIds(asIdCollection(c.logTails as never), t.logNames),
        deleteByIds(asIdCollection(c.profiles as never), t.profileIds),
      ]);
    return {
      identities,
      merge_pointers: pointers,
      records,
      raw_records: rawRecords,
      profile_log: profileLog,
      event_log: eventLog,
      log_tails: tails,
      profiles,
    };
  }

  async blankSegmentSubjects(profileIds: string[]): Promise<number> {
    let blanked = 0;
    for (const id of profileIds) {
      const r = await this.c.segmentSubjects.updateOne(
        { _id: id },
        { $set: { traits: {}, computed: {}, activity: {} } },
      );
      blanked += r.modifiedCount;
    }
    return blanked;
  }

  deleteSegmentChanges(ids: string[]) {
    return deleteByIds(asIdCollection(this.c.segmentChanges as never), ids);
  }

  async dropPendingEvents(batch: PendingEventBatchDoc, eventIds: Set<string>): Promise<void> {
    const events = batch.events.filter((e) => !eventIds.has(e.event._id));
    if (events.length === 0) await this.c.pendingEventBatches.deleteOne({ _id: batch._id });
    else await this.c.pendingEventBatches.replaceOne({ _id: batch._id }, { ...batch, events });
  }

  async replaceUnmerge(doc: UnmergeDoc): Promise<void> {
    await this.c.unmerges.replaceOne({ _id: doc._id }, doc);
  }

  deleteUnmerges(ids: string[]) {
    return deleteByIds(asIdCollection(this.c.unmerges as never), ids);
  }

  async replaceMergePointer(doc: MergePointerDoc): Promise<void> {
    await this.c.mergePointers.replaceOne({ _id: doc._id }, doc);
  }

  async insertErasure(doc: ErasureDoc): Promise<void> {
    await this.c.erasures.insertOne(doc);
  }

  getErasure(id: string) {
    return this.c.erasures.findOne({ _id: id });
  }

  async updateErasure(id: string, change: Partial<Omit<ErasureDoc, '_id'>>): Promise<void> {
    await this.c.erasures.updateOne({ _id: id }, { $set: change });
  }
}
