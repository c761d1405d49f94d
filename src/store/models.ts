import type { Identifier, IdentifierKind } from '../identity/kinds';

/**
 * Documents of the profile store. Bronze: raw records as received. Silver: identity
 * documents (who owns which identifier), merge pointers and the merged profile view.
 *
 * Only single-document atomic operations and unique keys are relied on (no
 * transactions): an identity's `_id` is `<kind>:<value>`, so at most one profile can
 * ever own it, and a merge's `_id` is the merged profile's id, so a profile can be
 * merged away at most once. Everything else is derived and can be rebuilt.
 */

export type SourceName = 'crm' | 'events';

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

/** "Profile `_id` was merged into `into`". The unique `_id` makes the merge a one-time CAS. */
export interface MergePointerDoc {
  _id: string;
  into: string;
  at: Date;
}

export type MergeReason = 'SHARED_IDENTIFIER' | 'ALIAS' | 'MANUAL';

/** Append-only history of merges, for explanation and (later) undo. */
export interface MergeLogDoc {
  _id: string;
  survivorId: string;
  mergedId: string;
  reason: MergeReason;
  /** The identifier that linked the two profiles, when one did. */
  linkedBy: Identifier | null;
  /** The record whose arrival caused the merge. */
  recordId: string | null;
  explanation: string;
  at: Date;
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

/** Bronze: every distinct version of every record, exactly as it arrived. */
export interface RawRecordDoc {
  _id: string;
  recordId: string;
  source: SourceName;
  payload: unknown;
  receivedAt: Date;
}

export type EventType = 'identify' | 'track' | 'page' | 'screen' | 'group' | 'alias';

export interface EventDoc {
  /** The Segment messageId: re-sending an event with the same messageId is a no-op. */
  _id: string;
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

export interface SourceSummaryDoc {
  name: SourceName;
  records: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/**
 * Silver: the merged view of one profile cluster, rebuilt from identities and records
 * whenever they change. A merged-away profile keeps only `mergedInto`.
 */
export interface ProfileDoc {
  _id: string;
  /** `null` while the profile is live; the surviving profile's id once merged away. */
  mergedInto: string | null;
  identifiers: Identifier[];
  traits: Record<string, unknown>;
  sources: SourceSummaryDoc[];
  /** Ids of every profile merged (transitively) into this one. */
  mergedFrom: string[];
  createdAt: Date;
  updatedAt: Date;
  /** Digest of what the view was built from; equal digests mean nothing to rewrite. */
  fingerprint: string;
}
