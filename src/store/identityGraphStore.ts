import type {
  EventDoc,
  IdentityDoc,
  MergeLogDoc,
  MergePointerDoc,
  ProfileDoc,
  RawRecordDoc,
  TraitRecordDoc,
} from './models';

/**
 * What identity resolution and profile reads need from a store. The MongoDB adapter
 * (`store/mongo`) is the one implementation; the interface keeps the driver out of the
 * resolution logic and names the only primitives correctness depends on: unique inserts
 * (`claimIdentities`, `insertMergePointer`, `insertEvent`) and single-document writes.
 */
export interface IdentityGraphStore {
  findIdentities(keys: string[]): Promise<IdentityDoc[]>;
  identitiesOfProfiles(profileIds: string[]): Promise<IdentityDoc[]>;
  /** Inserts each document unless its `_id` exists; returns the keys that already existed. */
  claimIdentities(docs: IdentityDoc[]): Promise<{ conflicts: string[] }>;

  findMergePointers(profileIds: string[]): Promise<MergePointerDoc[]>;
  mergePointersInto(survivorIds: string[]): Promise<MergePointerDoc[]>;
  /** False when the profile was already merged away (someone else won the race). */
  insertMergePointer(doc: MergePointerDoc): Promise<boolean>;
  appendMergeLog(doc: MergeLogDoc): Promise<void>;
  mergeLogFor(profileIds: string[]): Promise<MergeLogDoc[]>;

  findRecord(id: string): Promise<TraitRecordDoc | null>;
  /** False when a record with that `_id` appeared concurrently. */
  insertRecord(doc: TraitRecordDoc): Promise<boolean>;
  updateRecordContent(
    id: string,
    content: Pick<TraitRecordDoc, 'traits' | 'identifiers' | 'hash' | 'observedAt' | 'receivedAt'>,
  ): Promise<void>;
  recordsOfProfiles(profileIds: string[]): Promise<TraitRecordDoc[]>;
  putRawRecord(doc: RawRecordDoc): Promise<void>;

  findProfile(id: string): Promise<ProfileDoc | null>;
  findProfiles(ids: string[]): Promise<ProfileDoc[]>;
  replaceProfile(doc: ProfileDoc): Promise<void>;
  /** Live profiles in id order, after `afterId` (exclusive). */
  listLiveProfiles(afterId: string | null, limit: number): Promise<ProfileDoc[]>;

  findEvent(id: string): Promise<EventDoc | null>;
  /** False when an event with that messageId was already stored. */
  insertEvent(doc: EventDoc): Promise<boolean>;
  recentEvents(profileIds: string[], limit: number): Promise<EventDoc[]>;
}
