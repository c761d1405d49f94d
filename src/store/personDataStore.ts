import type { SegmentChangeDoc } from '../segments/segmentModels';
import type {
  ErasureDoc,
  IdentityDoc,
  LogEntryDoc,
  MergePointerDoc,
  PendingEventBatchDoc,
  RawRecordDoc,
  SegmentSubjectDoc,
  UnmergeDoc,
} from './models';

/** Document counts removed per collection by one erasure pass. */
export type ErasedCounts = Record<string, number>;

/** Everything one erasure removes from the profile store, by key. */
export interface StoreErasure {
  identityKeys: string[];
  profileIds: string[];
  recordIds: string[];
  rawRecordIds: string[];
  /** Slots of the profile logs and event logs. */
  profileLogEntries: { log: string; seq: number }[];
  eventLogEntries: { log: string; seq: number }[];
  /** Log names whose tail hints go (`profile:<id>`, `events:<id>`). */
  logNames: string[];
}

/**
 * What privacy requests (export, erase) need from the profile store beyond what identity
 * resolution uses. The scans here (filters on fields other than `_id`) are deliberate:
 * a privacy request must find everything, including what a crashed or racing writer left
 * where the indexes of the hot path do not lead, and such requests are rare.
 */
export interface PersonDataStore {
  /** Identity documents first claimed for any of `profileIds`. A scan. */
  identitiesOwnedBy(profileIds: string[]): Promise<IdentityDoc[]>;
  /** Merge pointers into any of `profileIds` (profiles that joined them). A scan. */
  mergePointersInto(profileIds: string[]): Promise<MergePointerDoc[]>;
  /** Every stored version of the records. A scan. */
  rawRecordsOf(recordIds: string[]): Promise<RawRecordDoc[]>;
  /** Every entry of the named profile logs, wherever it sits (gaps included). A scan. */
  profileLogEntries(logNames: string[]): Promise<LogEntryDoc<unknown>[]>;
  /** Every entry of the named event logs, wherever it sits. A scan. */
  eventLogEntries(logNames: string[]): Promise<LogEntryDoc<unknown>[]>;
  segmentSubjects(profileIds: string[]): Promise<SegmentSubjectDoc[]>;
  /** Membership changes of the profiles. A scan. */
  segmentChangesOf(profileIds: string[]): Promise<SegmentChangeDoc[]>;
  /** Pending event batches holding events of the profiles. A scan of a small collection. */
  pendingBatchesWith(profileIds: string[]): Promise<PendingEventBatchDoc[]>;

  /** Deletes by key; returns how many documents each collection lost. */
  erase(target: StoreErasure): Promise<ErasedCounts>;
  /**
   * Empties the subjects' traits and computed traits but keeps their memberships, so that
   * enrichment, finding the profile gone, records that it left its segments.
   */
  blankSegmentSubjects(profileIds: string[]): Promise<number>;
  deleteSegmentChanges(ids: string[]): Promise<number>;
  /** Replaces a pending batch by one without the given events (deleted when none is left). */
  dropPendingEvents(batch: PendingEventBatchDoc, eventIds: Set<string>): Promise<void>;
  replaceUnmerge(doc: UnmergeDoc): Promise<void>;
  deleteUnmerges(ids: string[]): Promise<number>;
  replaceMergePointer(doc: MergePointerDoc): Promise<void>;

  insertErasure(doc: ErasureDoc): Promise<void>;
  getErasure(id: string): Promise<ErasureDoc | null>;
  updateErasure(id: string, change: Partial<Omit<ErasureDoc, '_id'>>): Promise<void>;
}
