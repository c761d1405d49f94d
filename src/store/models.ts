import type { Identifier, IdentifierKind } from '../identity/kinds';

/**
 * Documents of the profile store. Bronze: raw records as received. Silver: identity
 * documents (who owns which identifier), merge pointers, per-profile append-only logs
 * and the merged profile view built from them.
 *
 * Two constraints shape this model:
 * - No transactions, and no reliance on single-document read-modify-write atomicity
 *   (FerretDB applies updates in the gateway, not atomically). Correctness rests only
 *   on unique inserts: an identity's `_id` is `<kind>:<value>`, so at most one profile
 *   ever owns it; a merge pointer's `_id` is the merged profile's id, so a profile is
 *   merged away at most once; a log entry's `_id` is `<log>#<seq>`, so two writers never
 *   take the same slot.
 * - Every hot read is a look-up by `_id`: that is the one query every MongoDB-compatible
 *   store (including FerretDB's SQLite backend, which pushes nothing else down) answers
 *   from an index.
 */

export type SourceName = 'crm' | 'orders' | 'events';

/** Ownership of one identifier. Never deleted; `profileId` is where it was first claimed. */
export interface IdentityDoc {
  _id: string;
  kind: IdentifierKind;
  value: string;
  profileId: string;
  source: SourceName;
  recordId: string;
  createdAt: Date;
}

export type MergeReason = 'SHARED_IDENTIFIER' | 'ALIAS' | 'PROBABILISTIC' | 'MANUAL';

/** The probabilistic score behind a merge: the pair of records compared, and each field's weight. */
export interface MatchEvidence {
  recordId: string;
  otherRecordId: string;
  probability: number;
  /** log2 of the posterior odds (prior included). */
  totalWeight: number;
  modelVersion: number;
  fields: { field: string; level: string | null; weight: number }[];
}

/**
 * "Profile `_id` was merged into `into`", with why. The unique `_id` makes a merge a
 * one-time compare-and-set, and this document is also the merge's log entry.
 */
export interface MergePointerDoc {
  _id: string;
  into: string;
  reason: MergeReason;
  /** The identifier that linked the merged profile to the survivor, when one did. */
  linkedBy: Identifier | null;
  /** The record whose arrival caused the merge. */
  recordId: string | null;
  explanation: string;
  /** Present when a match score decided (or informed) the merge. */
  match?: MatchEvidence;
  at: Date;
}

/**
 * An unmerge: merges undone by an operator, kept whole (the pointers it removed or moved)
 * so the merge log still shows what was merged before.
 */
export interface UnmergeDoc {
  _id: string;
  /** The live profile the records were split out of. */
  fromProfileId: string;
  /** The live profile they form now (the oldest profile they first joined). */
  toProfileId: string;
  /** The records named by the operator. */
  recordIds: string[];
  /** Every profile that moved, the merges it had and the ones it has now. */
  movedProfileIds: string[];
  undone: MergePointerDoc[];
  added: MergePointerDoc[];
  explanation: string;
  at: Date;
}

/** What happened to a profile, in order; its view is a fold of these entries. */
export type ProfileLogEntry =
  /**
   * A record's contribution: the identity keys it claimed for this profile, and (when
   * `recordHash` is set) a new version of its traits, to be read from the record.
   */
  | {
      kind: 'contribution';
      source: SourceName;
      recordId: string;
      keys: string[];
      recordHash: string | null;
    }
  /** An intent to merge `childId` into this profile; it counts once the merge pointer says so. */
  | { kind: 'merge'; childId: string }
  /**
   * The cluster was split by unmerge `unmergeId`: a view folded before this point may hold
   * members that left, so a fold that meets this entry starts again from nothing.
   */
  | { kind: 'split'; unmergeId: string };

/** A slot of an append-only log: `_id` is `<log>#<seq>`. */
export interface LogEntryDoc<T> {
  _id: string;
  log: string;
  seq: number;
  data: T;
  at: Date;
}

/** A hint of a log's length: slots below `length` exist. It may lag, never lead. */
export interface LogTailDoc {
  _id: string;
  length: number;
}

/** The latest version of a record that carries traits (a CRM contact, an identify call). */
export interface TraitRecordDoc {
  _id: string;
  source: SourceName;
  /** The profile the record first joined; its cluster root is the profile it belongs to. */
  profileId: string;
  traits: Record<string, unknown>;
  identifiers: Identifier[];
  /** Content hash of the payload, so that re-sending the same record changes nothing. */
  hash: string;
  observedAt: Date;
  receivedAt: Date;
}

/**
 * Bronze: every distinct version of every record, exactly as it arrived (`payload`), with
 * the traits it contributes. `_id` is `<recordId>#<hash>`: versions are immutable, and a
 * profile log entry names the version it logged, so folds never depend on which writer
 * last updated the record's latest-version document.
 */
export interface RawRecordDoc {
  _id: string;
  recordId: string;
  source: SourceName;
  payload: unknown;
  traits: Record<string, unknown>;
  hash: string;
  observedAt: Date;
  receivedAt: Date;
}

/** A record version's `_id`: `<recordId>#<hash>` (see `RawRecordDoc`). */
export const recordVersionId = (recordId: string, hash: string): string => `${recordId}#${hash}`;

export type EventType = 'identify' | 'track' | 'page' | 'screen' | 'group' | 'alias';

/**
 * A behavioral event as stored in its profile's event log (silver): the Segment call,
 * validated and normalised, attributed to the profile that owned its identifiers.
 */
export interface EventDoc {
  /** The Segment messageId: re-sending an event with the same messageId is a no-op. */
  _id: string;
  /** The profile whose log holds it (any member of the event's cluster). */
  profileId: string;
  type: EventType;
  event: string | null;
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
  context: Record<string, unknown>;
  timestamp: Date;
  receivedAt: Date;
}

/**
 * "This messageId is stored": the unique `_id` makes ingestion idempotent. Small on
 * purpose: the event itself lives in the profile's event log.
 */
export interface EventClaimDoc {
  _id: string;
  profileId: string;
  receivedAt: Date;
  /** The pending batch that wrote it: how recovery tells its own claims from duplicates. */
  batchId: string;
}

/**
 * A batch of events being written: inserted before its claims and log entries and deleted
 * after them, so a writer that dies half-way leaves a record of exactly what to finish.
 * `logFrom` is a length of the profile's event log read before appending: the event, if
 * it was appended at all, sits at or after it.
 */
export interface PendingEventBatchDoc {
  _id: string;
  events: { event: EventDoc; logFrom: number }[];
  createdAt: Date;
  /** Written by the resolution pipeline, which recovers its own batches. */
  owned?: boolean;
}

export interface SourceSummaryDoc {
  name: SourceName;
  /** Contributions (identifier claims and record versions) from this source. */
  contributions: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** Where each trait's current value came from; the latest (at, recordId, hash) wins. */
export interface TraitOrigin {
  at: Date;
  recordId: string;
  hash: string;
}

/** How far a view has folded each member's log; lets the next build read only what is new. */
export interface ViewBuildState {
  logLengths: Record<string, number>;
  /** Merge intents (child → intended parent) whose pointers did not exist yet at build time. */
  pendingChildren: Record<string, string>;
  traitOrigins: Record<string, TraitOrigin>;
}

/**
 * Silver: the merged view of one profile cluster, a fold of its members' logs. A
 * merged-away profile's view is a tombstone pointing at the profile it was merged into.
 */
export interface ProfileDoc {
  _id: string;
  /** `null` while the profile is live; the profile it was merged into once merged away. */
  mergedInto: string | null;
  identifiers: Identifier[];
  traits: Record<string, unknown>;
  sources: SourceSummaryDoc[];
  /** Ids of every profile merged (transitively) into this one, sorted. */
  mergedFrom: string[];
  /** Unmerges that split records out of this profile or formed it, oldest first. */
  unmerges?: string[];
  createdAt: Date;
  updatedAt: Date;
  build: ViewBuildState;
}

/**
 * Gold: what segments are evaluated against, one per live profile, written only by the
 * enrichment worker (one job per profile at a time): the profile's traits as merged,
 * its computed traits, event counts per window, and its segment memberships.
 */
export interface SegmentSubjectDoc {
  _id: string;
  traits: Record<string, unknown>;
  computed: Record<string, unknown>;
  activity: Record<string, number>;
  segments: string[];
  /** Each clustering's cluster for this profile (absent before the first clustering run). */
  clusters?: Record<string, string>;
  /** The clustering run that last re-assigned it in bulk (enrichment's writes drop it). */
  assignedBy?: string;
  /** Bumped by every enrichment; membership change ids include the version they left. */
  version: number;
  enrichedAt: Date;
}

/**
 * A privacy erasure of one person: which profiles it removed (ids only, never personal
 * data), so the follow-up sweep can remove what writers in flight added after it.
 */
export interface ErasureDoc {
  _id: string;
  /** Every profile of the erased cluster: the survivor and the merged-away ones. */
  profileIds: string[];
  /** The credential that asked (`key:<id>`, `jwt:<sub>`, `admin-key`). */
  requestedBy: string;
  status: 'running' | 'done';
  requestedAt: Date;
  finishedAt: Date | null;
  /** When the follow-up sweep last ran, and what it still found. */
  sweptAt: Date | null;
  counts: Record<string, number>;
  sweepCounts: Record<string, number>;
}

/**
 * A setting Mosaic creates for itself, once per deployment, shared by every process: e.g.
 * the secret that keys opaque ids (`src/auth/opaqueIds.ts`). Never personal data.
 */
export interface SettingDoc {
  _id: string;
  value: string;
  createdAt: Date;
}

/**
 * The trait keys learned to hold personal data by their values
 * (`src/profiles/personalTraits.ts`): one document, shared by every process. Never
 * personal data itself: keys only.
 */
export interface PersonalTraitsDoc {
  /** `key:<trait key>`: one document per learned key (or `learned`, written by old versions). */
  _id: string;
  key?: string;
  /** Every key learned, in the one document old versions kept (read, never written now). */
  keys?: string[];
  updatedAt: Date;
}
