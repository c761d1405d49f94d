import type { Collection, Db } from 'mongodb';
import { PER_KEY_LOOKUPS, type StoreCapabilities } from './capabilities';
import { isIndexNotFound } from './errors';
import type { GoldProfileDoc } from './mongoGoldDocuments';
import type { RfmThresholds } from '../../enrichment/rfm';
import type { ClusteringDoc, ClusteringRunDoc } from '../../clustering/clusteringModels';
import type { HealthPointDoc } from '../../segments/healthStore';
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
  /** Per live profile, what its common read needs (`src/profiles/goldDocuments.ts`). */
  goldProfiles: Collection<GoldProfileDoc>;
  clusterings: Collection<ClusteringDoc>;
  clusteringRuns: Collection<ClusteringRunDoc>;
  segmentHealth: Collection<HealthPointDoc>;
  /** One document per running refit: its `_id` is the clustering's (see claimRefit). */
  clusteringLeases: Collection<{ _id: string; until: Date }>;
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
  goldProfiles: 'gold_profiles',
  clusterings: 'clusterings',
  clusteringRuns: 'clustering_runs',
  segmentHealth: 'segment_health',
  clusteringLeases: 'clustering_leases',
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
    goldProfiles: c('goldProfiles'),
    clusterings: c('clusterings'),
    clusteringRuns: c('clusteringRuns'),
    segmentHealth: c('segmentHealth'),
    clusteringLeases: c('clusteringLeases'),
  };
}

/**
 * The secondary indexes of the queries that filter on other fields than `_id` (a person's
 * footprint for export and erasure, a segment's recent changes, batch recovery). Created
 * where the server uses them (`StoreCapabilities.queryIndexes`): on FerretDB's SQLite
 * backend they would only slow every write.
 */
const QUERY_INDEXES: {
  collection: keyof Collections;
  keys: Record<string, 1 | -1>;
  name: string;
}[] = [
  { collection: 'identities', keys: { profileId: 1 }, name: 'by_profile' },
  { collection: 'mergePointers', keys: { into: 1 }, name: 'by_survivor' },
  { collection: 'rawRecords', keys: { recordId: 1 }, name: 'by_record' },
  // A log's entries in order: its newest events, a page of them, its length, one find each.
  { collection: 'profileLog', keys: { log: 1, seq: 1 }, name: 'log_seq' },
  { collection: 'eventLog', keys: { log: 1, seq: 1 }, name: 'log_seq' },
  { collection: 'segmentChanges', keys: { profileId: 1 }, name: 'by_profile' },
  { collection: 'segmentChanges', keys: { segmentId: 1, at: -1, _id: -1 }, name: 'recent' },
  { collection: 'pendingEventBatches', keys: { createdAt: 1 }, name: 'by_age' },
  { collection: 'clusteringRuns', keys: { clusteringId: 1, _id: -1 }, name: 'recent' },
  { collection: 'segmentHealth', keys: { segmentId: 1, at: -1 }, name: 'recent' },
];

/**
 * Creates the collections and their indexes up front (idempotent, run at start). Every
 * hot path reads by `_id`, which every MongoDB-compatible store indexes.
 */
export async function ensureCollections(
  db: Db,
  capabilities: StoreCapabilities = PER_KEY_LOOKUPS,
): Promise<void> {
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
  if (!capabilities.queryIndexes) return;
  // `{log, seq}` serves every query `{log}` did: the older index only costs writes.
  for (const key of ['profileLog', 'eventLog'] as const)
    await db
      .collection(COLLECTION_NAMES[key])
      .dropIndex('by_log')
      .catch((err: unknown) => {
        if (!isIndexNotFound(err)) throw err;
      });
  for (const index of QUERY_INDEXES)
    await db
      .collection(COLLECTION_NAMES[index.collection])
      .createIndex(index.keys, { name: index.name });
}
