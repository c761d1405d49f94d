import type { Collection, Db } from 'mongodb';
import type {
  EventDoc,
  IdentityDoc,
  MergeLogDoc,
  MergePointerDoc,
  ProfileDoc,
  RawRecordDoc,
  TraitRecordDoc,
} from '../models';

export interface Collections {
  identities: Collection<IdentityDoc>;
  mergePointers: Collection<MergePointerDoc>;
  mergeLog: Collection<MergeLogDoc>;
  records: Collection<TraitRecordDoc>;
  rawRecords: Collection<RawRecordDoc>;
  events: Collection<EventDoc>;
  profiles: Collection<ProfileDoc>;
}

export function collections(db: Db): Collections {
  return {
    identities: db.collection<IdentityDoc>('identities'),
    mergePointers: db.collection<MergePointerDoc>('merge_pointers'),
    mergeLog: db.collection<MergeLogDoc>('merge_log'),
    records: db.collection<TraitRecordDoc>('records'),
    rawRecords: db.collection<RawRecordDoc>('raw_records'),
    events: db.collection<EventDoc>('events'),
    profiles: db.collection<ProfileDoc>('profiles'),
  };
}

/**
 * Creates the indexes every query relies on; idempotent, run at start. Plain and compound
 * indexes only, so the same set works on MongoDB and FerretDB.
 */
export async function ensureIndexes(c: Collections): Promise<void> {
  await Promise.all([
    c.identities.createIndex({ profileId: 1 }, { name: 'by_profile' }),
    c.mergePointers.createIndex({ into: 1 }, { name: 'by_survivor' }),
    c.mergeLog.createIndex({ survivorId: 1, at: 1 }, { name: 'by_survivor' }),
    c.mergeLog.createIndex({ mergedId: 1 }, { name: 'by_merged' }),
    c.records.createIndex({ profileId: 1 }, { name: 'by_profile' }),
    c.rawRecords.createIndex({ recordId: 1 }, { name: 'by_record' }),
    c.events.createIndex({ profileId: 1, timestamp: -1 }, { name: 'by_profile_time' }),
    c.profiles.createIndex({ mergedInto: 1, _id: 1 }, { name: 'live_by_id' }),
  ]);
}
