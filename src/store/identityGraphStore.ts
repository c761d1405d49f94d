import type { AppendLog } from './appendLog';
import type {
  EventClaimDoc,
  EventDoc,
  IdentityDoc,
  MergePointerDoc,
  PendingEventBatchDoc,
  ProfileDoc,
  ProfileLogEntry,
  RawRecordDoc,
  TraitRecordDoc,
  UnmergeDoc,
} from './models';

/**
 * What identity resolution and profile reads need from a store. The MongoDB adapter
 * (`store/mongo`) is the one implementation; the interface keeps the driver out of the
 * resolution logic and names the only primitives correctness depends on: unique inserts
 * and look-ups by key. Batch getters return a map holding only the keys that exist.
 */
export interface IdentityGraphStore {
  /**
   * Whether an error means the store could not be reached (down, restarting, unreachable),
   * as opposed to a bug or bad data: the caller is told to retry later. Only the store
   * knows its driver's errors.
   */
  isUnreachable(err: unknown): boolean;

  getIdentities(keys: string[]): Promise<Map<string, IdentityDoc>>;
  /** Inserts each document unless its `_id` exists; returns the keys that already existed. */
  claimIdentities(docs: IdentityDoc[]): Promise<{ conflicts: string[] }>;

  getMergePointers(profileIds: string[]): Promise<Map<string, MergePointerDoc>>;
  /** False when the profile was already merged away (someone else won the race). */
  insertMergePointer(doc: MergePointerDoc): Promise<boolean>;
  /**
   * Unmerge only (an operator's correction, see `identity/unmerge.ts`): pointers are
   * otherwise never changed or removed.
   */
  replaceMergePointer(doc: MergePointerDoc): Promise<void>;
  deleteMergePointer(profileId: string): Promise<void>;
  insertUnmerge(doc: UnmergeDoc): Promise<void>;
  getUnmerges(ids: string[]): Promise<Map<string, UnmergeDoc>>;

  /** Per-profile logs (`profile:<id>`) of identity claims, records and merges. */
  profileLog: AppendLog<ProfileLogEntry>;
  /** Per-profile event logs (`events:<id>`), newest last. */
  eventLog: AppendLog<EventDoc>;

  getRecords(ids: string[]): Promise<Map<string, TraitRecordDoc>>;
  /** False when a record with that `_id` appeared concurrently. */
  insertRecord(doc: TraitRecordDoc): Promise<boolean>;
  /** `insertRecord` for many records in one round trip; returns the `_id`s that existed. */
  insertRecords(docs: TraitRecordDoc[]): Promise<{ conflicts: string[] }>;
  updateRecordContent(
    id: string,
    content: Pick<TraitRecordDoc, 'traits' | 'identifiers' | 'hash' | 'observedAt' | 'receivedAt'>,
  ): Promise<void>;
  /** Stores a record version as received; false when that version was stored already. */
  putRawRecord(doc: RawRecordDoc): Promise<boolean>;
  /** `putRawRecord` for many versions in one round trip; returns the `_id`s stored before. */
  putRawRecords(docs: RawRecordDoc[]): Promise<{ conflicts: string[] }>;
  getRawRecords(ids: string[]): Promise<Map<string, RawRecordDoc>>;

  getProfiles(ids: string[]): Promise<Map<string, ProfileDoc>>;
  replaceProfile(doc: ProfileDoc): Promise<void>;
  /** Inserts the first views of new profiles in one round trip; returns the `_id`s that had one. */
  insertProfiles(docs: ProfileDoc[]): Promise<{ conflicts: string[] }>;
  /**
   * Live profiles in id order after `afterId`. Served by the `{mergedInto, _id}` index on
   * MongoDB; FerretDB's SQLite backend scans, so keep this off hot paths.
   */
  listLiveProfiles(afterId: string | null, limit: number): Promise<ProfileDoc[]>;

  getEventClaims(messageIds: string[]): Promise<Map<string, EventClaimDoc>>;
  /** Inserts each claim unless its messageId is stored; returns the messageIds that were. */
  insertEventClaims(docs: EventClaimDoc[]): Promise<{ duplicates: string[] }>;
  insertPendingEventBatch(doc: PendingEventBatchDoc): Promise<void>;
  deletePendingEventBatch(id: string): Promise<void>;
  getPendingEventBatch(id: string): Promise<PendingEventBatchDoc | null>;
  /** Batches left by writers that died mid-way (few: a batch exists only while written). */
  listPendingEventBatches(createdBefore: Date, limit: number): Promise<PendingEventBatchDoc[]>;
}
