import type { Collection, Db } from 'mongodb';
import type { RfmThresholds } from '../../enrichment/rfm';
import type { SegmentChangeDoc, SegmentDoc } from '../../segments/segmentModels';
import type {
  EventClaimDoc,
  ErasureDoc,
  EventDoc,
  IdentityDoc,
  LogEntryDoc,
  LogTailDoc,
  MergePointerDoc,
  PendingEventBatchDoc,
  PersonalTraitsDoc,
  ProfileDoc,
  ProfileLogEntry,
  RawRecordDoc,
  SettingDoc,
  SegmentSubjectDoc,
  TraitRecordDoc,
  UnmergeDoc,
} from '../models';

export interface Collections {
  identities: Collection<IdentityDoc>;
  mergePointers: Collection<MergePointerDoc>;
  unmerges: Collection<UnmergeDoc>;
  profileLog: Collection<LogEntryDoc<ProfileLogEntry>>;
  eventLog: Collection<LogEntryDoc<EventDoc>>;
  logTails: Collection<LogTailDoc>;
  records: Collection<TraitRecordDoc>;
  rawRecords: Collection<RawRecordDoc>;
  events: Collection<EventClaimDoc>;
  pendingEventBatches: Collection<PendingEventBatchDoc>;
  segmentSubjects: Collection<SegmentSubjectDoc>;
  segments: Collection<SegmentDoc>;
  segmentChanges: Collection<SegmentChangeDoc>;
  rfmThresholds: Collection<RfmThresholds & { _id: string }>;
  profiles: Collection<ProfileDoc>;
  erasures: Collection<ErasureDoc>;
  /** Trait keys learned to hold personal values (`src/profiles/personalTraits.ts`). */
  personalTraits: Collection<PersonalTraitsDoc>;
  /** Deployment-wide settings Mosaic creates itself (e.g. the secret keying opaque ids). */
  settings: Collection<SettingDoc>;
}

export const COLLECTION_NAMES: Record<keyof Collections, string> = {
  identities: 'identities',
  mergePointers: 'merge_pointers',
  unmerges: 'unmerges',
  profileLog: 'profile_log',
  eventLog: 'event_log',
  logTails: 'log_tails',
  records: 'records',
  rawRecords: 'raw_records',
  events: 'events',
  pendingEventBatches: 'pending_event_batches',
  segmentSubjects: 'segment_subjects',
  segments: 'segments',
  segmentChanges: 'segment_changes',
  rfmThresholds: 'rfm_thresholds',
  profiles: 'profiles',
  erasures: 'erasures',
  personalTraits: 'personal_traits',
  settings: 'settings',
};

export function collections(db: Db): Collections {
  const c = <T extends object>(key: keyof Collections) => db.collection<T>(COLLECTION_NAMES[key]);
  return {
    identities: c('identities'),
    mergePointers: c('mergePointers'),
    unmerges: c('unmerges'),
    profileLog: c('profileLog'),
    eventLog: c('eventLog'),
    logTails: c('logTails'),
    records: c('records'),
    rawRecords: c('rawRecords'),
    events: c('events'),
    pendingEventBatches: c('pendingEventBatches'),
    segmentSubjects: c('segmentSubjects'),
    segments: c('segments'),
    segmentChanges: c('segmentChanges'),
    rfmThresholds: c('rfmThresholds'),
    profiles: c('profiles'),
    erasures: c('erasures'),
    personalTraits: c('personalTraits'),
    settings: c('settings'),
  };
}

/**
 * Creates the collections and the one secondary index up front (idempotent, run at
 * start). Every hot path reads by `_id`, which every MongoDB-compatible store indexes.
 */
export async function ensureCollections(db: Db): Promise<void> {
  const existing = new Set(
    (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name),
  );
  for (const name of Object.values(COLLECTION_NAMES)) {
    if (existing.has(name)) continue;
    try {
      await db.createCollection(name);
    } catch (err) {
      // Another process created it between our listing and now.
      if (!(err instanceof Error && /already exists/i.test(err.message))) throw err;
    }
  }
  // Profile listing (admin pagination): an index on MongoDB; FerretDB keeps it too.
  await db
    .collection(COLLECTION_NAMES.profiles)
    .createIndex({ mergedInto: 1, _id: 1 }, { name: 'live_by_id' });
}
