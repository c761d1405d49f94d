import type { AppendLog } from './appendLog';
import type {
  EventDoc,
  EventIndexEntry,
  IdentityDoc,
  MergePointerDoc,
  ProfileDoc,
  ProfileLogEntry,
  RawRecordDoc,
  TraitRecordDoc,
} from './models';

/**
 * What identity resolution and profile reads need from a store. The MongoDB adapter
 * (`store/mongo`) is the one implementation; the interface keeps the driver out of the
 * resolution logic and names the only primitives correctness depends on: unique inserts
 * and look-ups by key. Batch getters return a map holding only the keys that exist.
 */
export interface IdentityGraphStore {
  getIdentities(keys: string[]): Promise<Map<string, IdentityDoc>>;
  /** Inserts each document unless its `_id` exists; returns the keys that already existed. */
  claimIdentities(docs: IdentityDoc[]): Promise<{ conflicts: string[] }>;

  getMergePointers(profileIds: string[]): Promise<Map<string, MergePointerDoc>>;
  /** False when the profile was already merged away (someone else won the race). */
  insertMergePointer(doc: MergePointerDoc): Promise<boolean>;

  /** Per-profile logs (`profile:<id>`) of identity claims, records and merges. */
  profileLog: AppendLog<ProfileLogEntry>;
  /** Per-profile event logs (`events:<id>`), newest last. */
  eventLog: AppendLog<EventIndexEntry>;

  getRecords(ids: string[]): Promise<Map<string, TraitRecordDoc>>;
  /** False when a record with that `_id` appeared concurrently. */
  insertRecord(doc: TraitRecordDoc): Promise<boolean>;
  updateRecordContent(
    id: string,
    content: Pick<TraitRecordDoc, 'traits' | 'identifiers' | 'hash' | 'observedAt' | 'receivedAt'>,
  ): Promise<void>;
  putRawRecord(doc: RawRecordDoc): Promise<void>;
  getRawRecords(ids: string[]): Promise<Map<string, RawRecordDoc>>;

  getProfiles(ids: string[]): Promise<Map<string, ProfileDoc>>;
  replaceProfile(doc: ProfileDoc): Promise<void>;
  /**
   * Live profiles in id order after `afterId`. Served by the `{mergedInto, _id}` index on
   * MongoDB; FerretDB's SQLite backend scans, so keep this off hot paths.
   */
  listLiveProfiles(afterId: string | null, limit: number): Promise<ProfileDoc[]>;

  getEvents(messageIds: string[]): Promise<Map<string, EventDoc>>;
  /** False when an event with that messageId was already stored. */
  insertEvent(doc: EventDoc): Promise<boolean>;
  markEventIndexed(messageId: string, seq: number): Promise<void>;
}
