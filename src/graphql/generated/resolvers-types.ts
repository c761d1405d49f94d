import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { ProfileDoc, EventDoc, MatchEvidence, SourceSummaryDoc } from '../../store/models';
import type { MergeLogItem } from '../../identity/mergeLog';
import type { ReviewItem as ReviewItemDoc } from '../../matching/reviewQueue';
import type { OrderRow, OrderStats as OrderStatsDoc, CurrencyTotal as CurrencyTotalDoc } from '../../orders/orderStore';
import type { CrmRecord as CrmRecordDoc } from '../../sources/crmSource';
import type { EventStats as EventStatsDoc } from '../../sources/eventsSource';
import type { SegmentDoc, SegmentChangeDoc, WebhookDoc } from '../../segments/segmentModels';
import type { ClusteringDoc, ClusteringRunDoc } from '../../clustering/clusteringModels';
import type { ApiKey as ApiKeyDoc } from '../../auth/apiKeys';
import type { Principal as PrincipalDoc } from '../../auth/roles';
import type { AuditEntry as AuditEntryDoc } from '../../audit/auditLog';
import type { GraphQLContext } from '../context';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO 8601 date-time in UTC, e.g. `2026-11-21T10:15:00.000Z`. */
  DateTime: { input: Date; output: Date; }
  /** Any JSON value. Objects must not have keys starting with `$` or containing `.`. */
  JSON: { input: unknown; output: unknown; }
};

/** A postal address as the CRM holds it. */
export type AddressInput = {
  city?: InputMaybe<Scalars['String']['input']>;
  /** ISO 3166-1 country code or name, as the CRM stores it. */
  country?: InputMaybe<Scalars['String']['input']>;
  line1?: InputMaybe<Scalars['String']['input']>;
  line2?: InputMaybe<Scalars['String']['input']>;
  postalCode?: InputMaybe<Scalars['String']['input']>;
  region?: InputMaybe<Scalars['String']['input']>;
};

/** An API key, as listed: never its secret. */
export type ApiKey = {
  __typename?: 'ApiKey';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  lastUsedAt?: Maybe<Scalars['DateTime']['output']>;
  name: Scalars['String']['output'];
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
  role: Role;
  /** For writers: the sources the key may write for. */
  sources: Array<SourceName>;
};

/** Kinds of audited operation. */
export type AuditAction =
  | 'api_key_created'
  | 'api_key_revoked'
  | 'person_erased'
  | 'person_exported'
  | 'profiles_merged'
  | 'profile_unmerged'
  | 'review_resolved';

export type AuditConnection = {
  __typename?: 'AuditConnection';
  edges: Array<AuditEdge>;
  pageInfo: PageInfo;
};

export type AuditEdge = {
  __typename?: 'AuditEdge';
  cursor: Scalars['String']['output'];
  node: AuditEntry;
};

/**
 * One sensitive operation: who asked (the credential's subject), what, on which ids.
 * Never holds personal data.
 */
export type AuditEntry = {
  __typename?: 'AuditEntry';
  action: AuditAction;
  /** `key:<id>`, `jwt:<sub>` or `admin-key`. */
  actor: Scalars['String']['output'];
  at: Scalars['DateTime']['output'];
  /** Parameters and outcome (e.g. the role of a created key, the error code of a failure). */
  details: Scalars['JSON']['output'];
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  status: AuditStatus;
  /** Profile, key or review ids the operation acted on. */
  targets: Array<Scalars['String']['output']>;
};

export type AuditStatus =
  | 'done'
  | 'failed'
  /** Recorded before the operation ran; it did not finish (or its completion was not recorded). */
  | 'started';

/** A source's circuit breaker: OPEN skips the source (answers come from the cache) until a trial call is let through (HALF_OPEN). */
export type BreakerState =
  | 'CLOSED'
  | 'HALF_OPEN'
  | 'OPEN';

export type ClusterSummary = {
  __typename?: 'ClusterSummary';
  /** The centroid in the features' original units (days, orders, money, shares). */
  centroid: Array<FeatureValue>;
  /** The centroid in plain words against the population: "high spend, recent, engaged". */
  description: Scalars['String']['output'];
  /** Kept across runs while the centroid stays close (Hungarian matching on centroid distance). */
  id: Scalars['ID']['output'];
  segmentId: Scalars['ID']['output'];
  size: Scalars['Int']['output'];
};

/**
 * Data-driven segments: profiles grouped by their behaviour and purchases (k-means, or
 * Ward's agglomerative clustering for nested groups), refitted on a schedule and on demand.
 * Each cluster is a segment (`kind: CLUSTER`) with the same members, subscriptions and
 * webhooks as a rule segment; between refits, enrichment assigns a changed profile to its
 * nearest centroid. Features and their scaling: docs/clustering.md.
 */
export type Clustering = {
  __typename?: 'Clustering';
  algorithm: ClusteringAlgorithm;
  createdAt: Scalars['DateTime']['output'];
  /** Features clustered on, in the order centroids list them. */
  features: Array<Scalars['String']['output']>;
  /** Stable id, the slug of its name. */
  id: Scalars['ID']['output'];
  kMax: Scalars['Int']['output'];
  /** The k range searched by silhouette (equal for a fixed k). */
  kMin: Scalars['Int']['output'];
  name: Scalars['String']['output'];
  /** Only profiles that granted this consent purpose are clustered. */
  purpose?: Maybe<Scalars['String']['output']>;
  /** Refitted every this many minutes; null: only on demand (`runClustering`). */
  refreshEveryMinutes?: Maybe<Scalars['Int']['output']>;
  /** Its runs, newest first. */
  runs: Array<ClusteringRun>;
  /** Profiles each fit sees (a seeded uniform sample); every profile is then assigned. */
  sampleSize: Scalars['Int']['output'];
  seed: Scalars['Int']['output'];
  /** Its clusters' segments, largest first (a retired one until the next run). */
  segments: Array<Segment>;
  updatedAt: Scalars['DateTime']['output'];
};


/**
 * Data-driven segments: profiles grouped by their behaviour and purchases (k-means, or
 * Ward's agglomerative clustering for nested groups), refitted on a schedule and on demand.
 * Each cluster is a segment (`kind: CLUSTER`) with the same members, subscriptions and
 * webhooks as a rule segment; between refits, enrichment assigns a changed profile to its
 * nearest centroid. Features and their scaling: docs/clustering.md.
 */
export type ClusteringRunsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type ClusteringAlgorithm =
  /** K-means, k-means++ initialisation, five seeded restarts per k. */
  | 'KMEANS'
  /** Ward's agglomerative clustering on a sample of at most 2,000: each k's clusters nest in the smaller k's. */
  | 'WARD';

export type ClusteringInput = {
  /** KMEANS when absent. */
  algorithm?: InputMaybe<ClusteringAlgorithm>;
  /** Feature names (docs/clustering.md); all of them when absent. */
  features?: InputMaybe<Array<Scalars['String']['input']>>;
  /** A fixed k (2-20); or give kMin and kMax (default 2..10) for a search by silhouette. */
  k?: InputMaybe<Scalars['Int']['input']>;
  kMax?: InputMaybe<Scalars['Int']['input']>;
  kMin?: InputMaybe<Scalars['Int']['input']>;
  /** 1-100 characters; its slug is the id. */
  name: Scalars['String']['input'];
  /** Only profiles that granted this consent purpose are clustered and become members. */
  purpose?: InputMaybe<Scalars['String']['input']>;
  /** Refit every this many minutes (1-10080); only on demand when absent. */
  refreshEveryMinutes?: InputMaybe<Scalars['Int']['input']>;
  /** Profiles each fit sees: 100-200,000, default 20,000 (WARD: at most and by default 2,000). */
  sampleSize?: InputMaybe<Scalars['Int']['input']>;
  /** Default 1: the same data and seed give the same clusters. */
  seed?: InputMaybe<Scalars['Int']['input']>;
};

/** One refit: what it found and how long it took. */
export type ClusteringRun = {
  __typename?: 'ClusteringRun';
  /** Share of the profiles in this run and the previous one whose cluster changed. */
  changedShare?: Maybe<Scalars['Float']['output']>;
  clusters: Array<ClusterSummary>;
  durationMs?: Maybe<Scalars['Int']['output']>;
  /** Why a FAILED run failed. */
  error?: Maybe<Scalars['String']['output']>;
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  /** The k chosen (best silhouette); null unless SUCCEEDED. */
  k?: Maybe<Scalars['Int']['output']>;
  /** Every k tried: silhouette (higher is better) and inertia (the elbow). */
  perK: Array<KScore>;
  /** Profiles assigned, and those the fit saw. */
  profiles?: Maybe<Scalars['Int']['output']>;
  /** What asked: `scheduled`, `on demand`. */
  reason: Scalars['String']['output'];
  /** Profiles this run re-assigned because their cluster changed (those enrichment rewrote meanwhile it left to enrichment). */
  reassigned?: Maybe<Scalars['Int']['output']>;
  sampled?: Maybe<Scalars['Int']['output']>;
  startedAt: Scalars['DateTime']['output'];
  status: ClusteringRunStatus;
};

export type ClusteringRunStatus =
  | 'FAILED'
  | 'RUNNING'
  | 'SUCCEEDED';

/** A person's consent for one purpose: the latest statement about it, from any source. */
export type Consent = {
  __typename?: 'Consent';
  /** When the person gave or withdrew it (the statement's time, not when Mosaic heard of it). */
  at: Scalars['DateTime']['output'];
  granted: Scalars['Boolean']['output'];
  purpose: Scalars['String']['output'];
  /**
   * The record that said so (`consent:<keyed digest>`, `crm:<crmId>`, `event:<messageId>`;
   * masked like other record ids, `crm:a***`, for every role but admin).
   */
  recordId: Scalars['String']['output'];
};

/** What a person said about one purpose their data may be used for. */
export type ConsentInput = {
  granted: Scalars['Boolean']['input'];
  /** A purpose such as `marketing`, `analytics`, `advertising` (lower-case letters, digits, `_`, `-`). */
  purpose: Scalars['String']['input'];
};

export type CreatedApiKey = {
  __typename?: 'CreatedApiKey';
  key: ApiKey;
  /** The secret, shown once: send it as `Authorization: Bearer <secret>`. Only its hash is stored. */
  secret: Scalars['String']['output'];
};

/** A contact as a CRM system sends it. Sending the same contact again changes nothing. */
export type CrmContactInput = {
  address?: InputMaybe<AddressInput>;
  /** Further CRM fields, stored as traits (keys must not start with `$` or `consent:`, or contain `.`). */
  attributes?: InputMaybe<Scalars['JSON']['input']>;
  /** Date of birth as YYYY-MM-DD. */
  birthDate?: InputMaybe<Scalars['String']['input']>;
  /** Consent per purpose as the CRM holds it, observed when the contact arrives. */
  consent?: InputMaybe<Array<ConsentInput>>;
  /** The contact's id in the CRM; the same crmId always updates the same record. */
  crmId: Scalars['String']['input'];
  /** Email addresses (at most 20); matched case-insensitively. */
  emails?: InputMaybe<Array<Scalars['String']['input']>>;
  firstName?: InputMaybe<Scalars['String']['input']>;
  lastName?: InputMaybe<Scalars['String']['input']>;
  /** Phone numbers (at most 20), any common format; stored in E.164. */
  phones?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type CrmContactOutcome = {
  __typename?: 'CrmContactOutcome';
  changed: Scalars['Boolean']['output'];
  /** True when the contact created a new profile. */
  created: Scalars['Boolean']['output'];
  crmId: Scalars['String']['output'];
  profileId: Scalars['ID']['output'];
};

/** A CRM contact as Mosaic last received it from the CRM. */
export type CrmRecord = {
  __typename?: 'CrmRecord';
  /** The contact's id in the CRM (masked for every role but admin). */
  crmId: Scalars['String']['output'];
  identifiers: Array<Identifier>;
  /** The contact exactly as the CRM sent it. */
  raw?: Maybe<Scalars['JSON']['output']>;
  receivedAt: Scalars['DateTime']['output'];
  /** The contact's traits, normalised as merged into the profile. */
  traits: Scalars['JSON']['output'];
};

/** Spend in one currency. */
export type CurrencyTotal = {
  __typename?: 'CurrencyTotal';
  amount: Scalars['Float']['output'];
  averageOrderValue: Scalars['Float']['output'];
  /** Orders in this currency. */
  count: Scalars['Int']['output'];
  currency: Scalars['String']['output'];
};

/**
 * One dependency check: `mongodb` (the profile store), `redis`, `postgresql`. PostgreSQL is
 * reported but does not make the gateway unready: profile reads answer without it (orders
 * from the cache), and every replica shares it.
 */
export type DependencyCheck = {
  __typename?: 'DependencyCheck';
  /** Why it failed: the driver's message, or that it did not answer within 2 s. */
  error?: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  ok: Scalars['Boolean']['output'];
};

/** How many documents, rows or keys an erasure removed from one collection, table or cache. */
export type ErasureCount = {
  __typename?: 'ErasureCount';
  count: Scalars['Int']['output'];
  /** `identities`, `event_log`, `match_records`, `orders_detached`, `redis_keys` … */
  store: Scalars['String']['output'];
};

/** What `erasePerson` did. */
export type ErasureResult = {
  __typename?: 'ErasureResult';
  counts: Array<ErasureCount>;
  /** Kept in the store's `erasures` collection (profile ids only) and in the audit log. */
  erasureId: Scalars['ID']['output'];
  /** Every profile of the person's cluster (the survivor and those merged into it), now gone. */
  profileIds: Array<Scalars['ID']['output']>;
  /**
   * When the follow-up sweep runs: it finds by scans whatever writes that were in flight
   * added to these profiles after the erasure, and erases that too. Null without workers.
   */
  sweepAt?: Maybe<Scalars['DateTime']['output']>;
};

/** A stored behavioral event. */
export type Event = {
  __typename?: 'Event';
  anonymousId?: Maybe<Scalars['String']['output']>;
  event?: Maybe<Scalars['String']['output']>;
  /** The event's messageId (for every role but admin, an opaque stand-in for it: see `OPAQUE_ID`). */
  id: Scalars['ID']['output'];
  name?: Maybe<Scalars['String']['output']>;
  properties: Scalars['JSON']['output'];
  receivedAt: Scalars['DateTime']['output'];
  timestamp: Scalars['DateTime']['output'];
  traits: Scalars['JSON']['output'];
  type: EventType;
  userId?: Maybe<Scalars['String']['output']>;
};

export type EventConnection = {
  __typename?: 'EventConnection';
  edges: Array<EventEdge>;
  pageInfo: PageInfo;
};

export type EventEdge = {
  __typename?: 'EventEdge';
  cursor: Scalars['String']['output'];
  node: Event;
};

/** A behavioral event in the Segment tracking spec's shape. */
export type EventInput = {
  anonymousId?: InputMaybe<Scalars['String']['input']>;
  context?: InputMaybe<Scalars['JSON']['input']>;
  /** The action, for TRACK (e.g. `Order Completed`). */
  event?: InputMaybe<Scalars['String']['input']>;
  groupId?: InputMaybe<Scalars['String']['input']>;
  /** Unique per event; re-sending an event with the same messageId changes nothing. Derived from the content when absent. */
  messageId?: InputMaybe<Scalars['String']['input']>;
  /** The page or screen name, for PAGE and SCREEN. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** For ALIAS: the id the user had before (an anonymousId or an earlier userId). */
  previousId?: InputMaybe<Scalars['String']['input']>;
  properties?: InputMaybe<Scalars['JSON']['input']>;
  /** When the event happened (client time); defaults to when it was received. */
  timestamp?: InputMaybe<Scalars['DateTime']['input']>;
  /** For IDENTIFY: traits of the user; `email` and `phone` also link identities. */
  traits?: InputMaybe<Scalars['JSON']['input']>;
  type: EventType;
  userId?: InputMaybe<Scalars['String']['input']>;
};

/** Aggregates over a profile's behavioral events. */
export type EventStats = {
  __typename?: 'EventStats';
  count: Scalars['Int']['output'];
  /** When the first event arrived. */
  firstSeenAt?: Maybe<Scalars['DateTime']['output']>;
  /** When the latest event arrived. */
  lastSeenAt?: Maybe<Scalars['DateTime']['output']>;
};

/** Segment tracking-spec call types. */
export type EventType =
  | 'alias'
  | 'group'
  | 'identify'
  | 'page'
  | 'screen'
  | 'track';

export type FeatureValue = {
  __typename?: 'FeatureValue';
  feature: Scalars['String']['output'];
  value: Scalars['Float']['output'];
};

/** How one field of two records compares, and the evidence it gives (Fellegi-Sunter). */
export type FieldComparison = {
  __typename?: 'FieldComparison';
  /** The match field: givenName, surname, birthDate, nationalId, street, city, postcode, email … */
  field: Scalars['String']['output'];
  /** The comparison level, e.g. `exact` or `jaro-winkler ≥ 0.92`; null when either side lacks the value. */
  level?: Maybe<Scalars['String']['output']>;
  /** P(this level | same person), as trained. */
  m?: Maybe<Scalars['Float']['output']>;
  /** The value's frequency among stored records, when an exact agreement was weighed by it. */
  termFrequency?: Maybe<Scalars['Float']['output']>;
  /** P(this level | different people); for an exact agreement on a common value, the value's frequency. */
  u?: Maybe<Scalars['Float']['output']>;
  valueA?: Maybe<Scalars['String']['output']>;
  valueB?: Maybe<Scalars['String']['output']>;
  /** log2(m/u) in bits: positive is evidence of one person, negative of two, 0 when missing. */
  weight: Scalars['Float']['output'];
};

/** A field's part in a stored score. */
export type FieldWeight = {
  __typename?: 'FieldWeight';
  field: Scalars['String']['output'];
  level?: Maybe<Scalars['String']['output']>;
  weight: Scalars['Float']['output'];
};

/** One identifier, in normalised form. */
export type Identifier = {
  __typename?: 'Identifier';
  kind: IdentifierKind;
  value: Scalars['String']['output'];
};

/** The kinds of identifier that can link records to one person. */
export type IdentifierKind =
  /** A device or browser id (Segment `anonymousId`). */
  | 'ANONYMOUS_ID'
  /** A contact id in a CRM system. */
  | 'CRM_ID'
  /** A customer id from a transactional system. */
  | 'CUSTOMER_ID'
  /** An email address; matched trimmed and case-insensitively. */
  | 'EMAIL'
  /** A phone number; matched in E.164 form (numbers without +country code use the configured default region). */
  | 'PHONE'
  /** A logged-in user id (Segment `userId`). */
  | 'USER_ID';

export type KScore = {
  __typename?: 'KScore';
  inertia: Scalars['Float']['output'];
  k: Scalars['Int']['output'];
  silhouette: Scalars['Float']['output'];
};

/** What the score of a pair leads to under the current thresholds. */
export type MatchDecision =
  /** At or above the merge threshold: merged on arrival. */
  | 'MERGE'
  /** Below the review threshold: left alone. */
  | 'NO_MATCH'
  /**
   * Between the thresholds: queued. At or above the settle threshold, settling merges it
   * (best first) unless a record of one profile contradicts one of the other's; otherwise,
   * or below it, a person decides.
   */
  | 'REVIEW';

/** Why two profiles are (or are not) the same person: the best-scoring pair of their records. */
export type MatchExplanation = {
  __typename?: 'MatchExplanation';
  decision: MatchDecision;
  fields: Array<FieldComparison>;
  modelVersion: Scalars['Int']['output'];
  /** log2 of the prior odds that two candidate records are one person. */
  priorWeight: Scalars['Float']['output'];
  probability: Scalars['Float']['output'];
  profileA: Scalars['ID']['output'];
  profileB: Scalars['ID']['output'];
  recordA: Scalars['String']['output'];
  recordB: Scalars['String']['output'];
  /** True when a person said these are different people: they are never merged automatically. */
  rejected: Scalars['Boolean']['output'];
  thresholds: MatchThresholds;
  totalWeight: Scalars['Float']['output'];
  waterfall: Array<WaterfallStep>;
};

/** The match model in use. */
export type MatchModelInfo = {
  __typename?: 'MatchModelInfo';
  candidatePairs: Scalars['Int']['output'];
  iterations: Scalars['Int']['output'];
  /** Prior probability that two candidate records are one person. */
  prior: Scalars['Float']['output'];
  randomPairs: Scalars['Int']['output'];
  /** Records in the store when it was trained. */
  records: Scalars['Int']['output'];
  thresholds: MatchThresholds;
  trainedAt?: Maybe<Scalars['DateTime']['output']>;
  /** 0 until the first training (cautious defaults); then one more per training. */
  version: Scalars['Int']['output'];
};

/** The score that decided a merge or opened a review. */
export type MatchScore = {
  __typename?: 'MatchScore';
  fields: Array<FieldWeight>;
  modelVersion: Scalars['Int']['output'];
  otherRecordId: Scalars['String']['output'];
  probability: Scalars['Float']['output'];
  recordId: Scalars['String']['output'];
  totalWeight: Scalars['Float']['output'];
};

export type MatchThresholds = {
  __typename?: 'MatchThresholds';
  /** Match probability below which a pair of records keeps their two profiles apart. */
  conflict: Scalars['Float']['output'];
  /** Match probability at or above which two profiles are merged on arrival. */
  merge: Scalars['Float']['output'];
  /** Match probability at or above which (below merge) a pair is queued. */
  review: Scalars['Float']['output'];
  /** Match probability at or above which settling merges a queued pair nothing contradicts. */
  settle: Scalars['Float']['output'];
};

export type MembershipChange =
  | 'entered'
  | 'left';

export type MergeAction =
  | 'MERGE'
  /** An operator split records back out: `survivorId` kept the rest, `mergedId` is what left. */
  | 'UNMERGE';

/**
 * One merge (the younger profile `mergedId` was folded into the older `survivorId`) or one
 * unmerge (`mergedId` was split back out of `survivorId`).
 */
export type MergeLogEntry = {
  __typename?: 'MergeLogEntry';
  action: MergeAction;
  at: Scalars['DateTime']['output'];
  /**
   * A sentence saying why the profiles were merged. For every role but admin, the identifiers
   * and record ids it quotes are masked, emails and phones wherever they are, and an
   * operator's note is left out (see `note`).
   */
  explanation: Scalars['String']['output'];
  /** The identifier on the merged side through which the record linked the two profiles. */
  linkedBy?: Maybe<Identifier>;
  /** The match score, for probabilistic merges and accepted reviews. */
  match?: Maybe<MatchScore>;
  /** The profile merged away; reading it returns the survivor. */
  mergedId: Scalars['ID']['output'];
  /** For a manual merge: the note the operator gave (`mergeProfiles(note:)`); its first letter for every role but admin. */
  note?: Maybe<Scalars['String']['output']>;
  reason: MergeReason;
  /** The record whose arrival caused the merge, e.g. `crm:003A1` or `event:<messageId>` (`crm:0***` when masked). */
  recordId?: Maybe<Scalars['String']['output']>;
  /** For an unmerge: the records an operator split out. */
  recordIds: Array<Scalars['String']['output']>;
  /** The profile that kept its id. */
  survivorId: Scalars['ID']['output'];
  /** The unmerge that undid this merge, if one did. */
  undoneBy?: Maybe<Scalars['ID']['output']>;
};

/** Why two profiles were merged. */
export type MergeReason =
  /** A Segment alias call linked a previous id to a user id. */
  | 'ALIAS'
  /** An operator merged the profiles by hand. */
  | 'MANUAL'
  /** A record's probabilistic match score passed the merge threshold (see `match`). */
  | 'PROBABILISTIC'
  /** A record carried identifiers held by both profiles. */
  | 'SHARED_IDENTIFIER';

export type Mutation = {
  __typename?: 'Mutation';
  /** Adds a webhook that receives the segment's membership changes from now on. */
  addSegmentWebhook: Webhook;
  /** Creates an API key. `sources` is required for writers and refused for other roles. */
  createApiKey: CreatedApiKey;
  /** Defines a clustering and queues its first run; its clusters become segments. */
  defineClustering: Clustering;
  /**
   * Defines a segment; its members are computed by the workers from now on. With a
   * `purpose`, only profiles that granted that consent can be members.
   */
  defineSegment: Segment;
  /** Deletes a clustering, its runs and its segments (not while a rule segment refers to one). */
  deleteClustering: Scalars['Boolean']['output'];
  /** Deletes a segment (not one that other segments refer to). False when there was none. */
  deleteSegment: Scalars['Boolean']['output'];
  /**
   * Erases the person with this identifier (and every profile merged with theirs): their
   * identities, records, events, profiles, segment data and matching data are deleted,
   * their orders detached from them, documents shared with others scrubbed of their values,
   * and cached answers and queued jobs that mention them removed, on every replica. The
   * audit log keeps the request, with ids only. A record that arrives later with one of
   * their identifiers starts a new profile.
   */
  erasePerson: ErasureResult;
  /** Merges two profiles by hand (the older id survives); recorded in the merge log with the note. */
  mergeProfiles: Profile;
  /** Records orders in the transactional source and links their customers to profiles; at most 1000. All or nothing on invalid input. */
  recordOrders: RecordOrdersResult;
  /** Removes a webhook; deliveries still queued for it are dropped. False when there was none. */
  removeSegmentWebhook: Scalars['Boolean']['output'];
  /** Accepts (merge) or rejects (remember: different people) a review. */
  resolveReview: ReviewItem;
  /** Revokes a key at once, on every replica: its requests fail and its subscriptions close. False when there was none. */
  revokeApiKey: Scalars['Boolean']['output'];
  /** Queues a refit now (one waiting per clustering covers further asks); returns the clustering. */
  runClustering: Clustering;
  /**
   * Records a person's consent statements (e.g. from a consent platform or preference
   * centre) at `at` (default: now). Per purpose the latest statement wins, whatever order
   * statements arrive in; an unknown identifier gets a profile of its own. Re-sending the
   * same statement with the same `at` changes nothing.
   */
  setConsent: Profile;
  /**
   * Ingests Segment-style events (identify and alias link identifiers); all or nothing on
   * invalid input. Accepts the events durably and answers; profiles are updated behind it.
   * `wait: true` answers once every event is applied (or the wait times out: see `pending`).
   */
  trackEvents: TrackEventsResult;
  /**
   * Splits records back out of a profile: the profiles they first joined leave the cluster,
   * with their identifiers, events and orders. Recorded in the merge log; the two profiles
   * are never merged automatically again.
   */
  unmergeProfile: UnmergeResult;
  /** Renames a segment, replaces its rule, or sets its consent purpose (`purpose: null` removes it). */
  updateSegment: Segment;
  /** Creates or updates the profile of a CRM contact and returns the merged profile. */
  upsertCrmContact: Profile;
  /** Bulk sync of many contacts (e.g. a CRM's initial load): validated as a whole before anything is written; at most 500. */
  upsertCrmContacts: UpsertCrmContactsResult;
};


export type MutationAddSegmentWebhookArgs = {
  segmentId: Scalars['ID']['input'];
  webhook: WebhookInput;
};


export type MutationCreateApiKeyArgs = {
  name: Scalars['String']['input'];
  role: Role;
  sources?: InputMaybe<Array<SourceName>>;
};


export type MutationDefineClusteringArgs = {
  input: ClusteringInput;
};


export type MutationDefineSegmentArgs = {
  name: Scalars['String']['input'];
  purpose?: InputMaybe<Scalars['String']['input']>;
  rule: Scalars['JSON']['input'];
};


export type MutationDeleteClusteringArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteSegmentArgs = {
  id: Scalars['ID']['input'];
};


export type MutationErasePersonArgs = {
  kind: IdentifierKind;
  value: Scalars['String']['input'];
};


export type MutationMergeProfilesArgs = {
  note?: InputMaybe<Scalars['String']['input']>;
  otherProfileId: Scalars['ID']['input'];
  profileId: Scalars['ID']['input'];
};


export type MutationRecordOrdersArgs = {
  orders: Array<OrderInput>;
};


export type MutationRemoveSegmentWebhookArgs = {
  segmentId: Scalars['ID']['input'];
  webhookId: Scalars['ID']['input'];
};


export type MutationResolveReviewArgs = {
  decision: ReviewDecision;
  id: Scalars['ID']['input'];
};


export type MutationRevokeApiKeyArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRunClusteringArgs = {
  id: Scalars['ID']['input'];
};


export type MutationSetConsentArgs = {
  at?: InputMaybe<Scalars['DateTime']['input']>;
  consents: Array<ConsentInput>;
  kind: IdentifierKind;
  value: Scalars['String']['input'];
};


export type MutationTrackEventsArgs = {
  events: Array<EventInput>;
  wait?: InputMaybe<Scalars['Boolean']['input']>;
};


export type MutationUnmergeProfileArgs = {
  profileId: Scalars['ID']['input'];
  recordIds: Array<Scalars['String']['input']>;
};


export type MutationUpdateSegmentArgs = {
  id: Scalars['ID']['input'];
  name?: InputMaybe<Scalars['String']['input']>;
  purpose?: InputMaybe<Scalars['String']['input']>;
  rule?: InputMaybe<Scalars['JSON']['input']>;
};


export type MutationUpsertCrmContactArgs = {
  input: CrmContactInput;
};


export type MutationUpsertCrmContactsArgs = {
  inputs: Array<CrmContactInput>;
};

/** What an operations view shows of this gateway: its dependencies, its federated sources and the job queues. */
export type OperationsStatus = {
  __typename?: 'OperationsStatus';
  /** When this was read. */
  at: Scalars['DateTime']['output'];
  /** The checks `/readyz` runs, with its results (each bounded to 2 s). */
  checks: Array<DependencyCheck>;
  /**
   * Jobs per queue, as `/metrics` reports them; empty when this process runs without job
   * queues. A queue whose counts Redis did not give within 2 s is left out (see the `redis` check).
   */
  queues: Array<QueueDepth>;
  /**
   * True when every dependency check passed (what /readyz reports): every required one, as a
   * failing `postgresql` check only degrades the gateway (see DependencyCheck).
   */
  ready: Scalars['Boolean']['output'];
  /** The federated sources, with the running totals `/metrics` reports (since this gateway started). */
  sources: Array<SourceHealth>;
};

/** An order, read from the transactional source (PostgreSQL) where it lives. */
export type Order = {
  __typename?: 'Order';
  currency: Scalars['String']['output'];
  /** The customer's id in the transactional system (masked for every role but admin: it may be an email). */
  customerId: Scalars['String']['output'];
  items: Array<OrderItem>;
  orderId: Scalars['String']['output'];
  placedAt: Scalars['DateTime']['output'];
  status: OrderStatus;
  total: Scalars['Float']['output'];
};

export type OrderConnection = {
  __typename?: 'OrderConnection';
  edges: Array<OrderEdge>;
  pageInfo: PageInfo;
};

export type OrderEdge = {
  __typename?: 'OrderEdge';
  cursor: Scalars['String']['output'];
  node: Order;
};

/** An order as a transactional system sends it. Re-sending the same order changes nothing. */
export type OrderInput = {
  /** ISO 4217 currency code, e.g. USD. */
  currency: Scalars['String']['input'];
  /** The customer's id in the transactional system; links the order to a profile. */
  customerId: Scalars['String']['input'];
  /** The customer's email on the order, if known; links the customer id to that email's profile. */
  email?: InputMaybe<Scalars['String']['input']>;
  items?: InputMaybe<Array<OrderItemInput>>;
  /** The order's id in the transactional system; the same id always updates the same order. */
  orderId: Scalars['String']['input'];
  /** The customer's phone on the order, if known. */
  phone?: InputMaybe<Scalars['String']['input']>;
  placedAt: Scalars['DateTime']['input'];
  status?: InputMaybe<OrderStatus>;
  /** Order total in `currency` (at most 4 decimal places). */
  total: Scalars['Float']['input'];
};

export type OrderItem = {
  __typename?: 'OrderItem';
  name?: Maybe<Scalars['String']['output']>;
  quantity: Scalars['Int']['output'];
  sku: Scalars['String']['output'];
  unitPrice: Scalars['Float']['output'];
};

/** One line of an order. */
export type OrderItemInput = {
  name?: InputMaybe<Scalars['String']['input']>;
  /** Whole number, at least 1. */
  quantity: Scalars['Int']['input'];
  sku: Scalars['String']['input'];
  /** Price of one unit, in the order's currency (at most 4 decimal places). */
  unitPrice: Scalars['Float']['input'];
};

/** What happened to one order. */
export type OrderOutcome = {
  __typename?: 'OrderOutcome';
  orderId: Scalars['String']['output'];
  /** The profile the order's customer belongs to. */
  profileId: Scalars['ID']['output'];
  /** False when the order was already stored with the same content. */
  written: Scalars['Boolean']['output'];
};

/** Aggregates over a profile's pending and completed orders (cancelled and refunded ones are not counted). */
export type OrderStats = {
  __typename?: 'OrderStats';
  count: Scalars['Int']['output'];
  firstOrderAt?: Maybe<Scalars['DateTime']['output']>;
  lastOrderAt?: Maybe<Scalars['DateTime']['output']>;
  /** Spend per currency, the most used first. */
  totals: Array<CurrencyTotal>;
};

/** The state of an order in the transactional system. */
export type OrderStatus =
  | 'cancelled'
  | 'completed'
  | 'pending'
  | 'refunded';

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type PiiKind =
  | 'EMAIL'
  /** An identifier's value, masked according to its kind (emails and phones; ids are kept). */
  | 'IDENTIFIER'
  /** A JSON document: emails and phones wherever they are, names and addresses by key. */
  | 'JSON'
  /** A name or other free text: its first letter is kept. */
  | 'NAME'
  /**
   * An id a client chose, which may spell personal data (a messageId such as
   * `jane@example.com-signup`): replaced by a keyed digest of it, unique and stable per
   * deployment, so clients can still cache by it but cannot read or guess it back.
   */
  | 'OPAQUE_ID'
  | 'PHONE'
  /** A sentence that may quote emails or phone numbers: those are masked where they appear. */
  | 'PROSE';

/**
 * The resolution pipeline's freshness: how far event ingestion is behind. Events are
 * accepted durably first, then applied to profiles by workers (see docs/ingestion.md).
 */
export type PipelineStatus = {
  __typename?: 'PipelineStatus';
  /** Events applied over the last minute. */
  appliedLastMinute: Scalars['Int']['output'];
  /** Accepted events not yet applied. */
  backlog: Scalars['Int']['output'];
  /** Accepted → profile-visible time over the last minute, in seconds (null: none applied). */
  lagP50Seconds?: Maybe<Scalars['Float']['output']>;
  lagP99Seconds?: Maybe<Scalars['Float']['output']>;
  /** Age of the oldest waiting event, in seconds (0 when none waits). */
  oldestWaitingSeconds: Scalars['Float']['output'];
  /** Pipeline workers alive, and the partitions each holds. */
  workers: Array<PipelineWorker>;
};

export type PipelineWorker = {
  __typename?: 'PipelineWorker';
  name: Scalars['String']['output'];
  partitions: Scalars['Int']['output'];
};

export type Principal = {
  __typename?: 'Principal';
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  role: Role;
  sources: Array<SourceName>;
  /** `key:<id>` for API keys, `jwt:<sub>` for tokens. */
  subject: Scalars['String']['output'];
};

/** Everything known about one person, merged across sources. */
export type Profile = {
  __typename?: 'Profile';
  /** Computed traits (lifetime value, engagement, RFM inputs …), as last computed by the workers; null before the first enrichment. */
  computedTraits?: Maybe<Scalars['JSON']['output']>;
  /**
   * Consent per purpose, from `setConsent`, CRM contacts' `consent` and Segment identify
   * calls' `context.consent.categoryPreferences`. A purpose not listed was never granted.
   */
  consent: Array<Consent>;
  createdAt: Scalars['DateTime']['output'];
  /**
   * The profile's CRM contacts, from the CRM source. Null (with a SOURCE_UNAVAILABLE error)
   * only when the source is down and nothing was cached; see `sourceStatus`.
   */
  crmRecords?: Maybe<Array<CrmRecord>>;
  /** Event aggregates. */
  eventStats?: Maybe<EventStats>;
  /** Behavioral events, newest first by arrival, optionally of one type or name. */
  events?: Maybe<EventConnection>;
  /** Stable id; when profiles merge, the oldest id survives and the others redirect to it. */
  id: Scalars['ID']['output'];
  /** Every identifier linked to this person, in priority order. */
  identifiers: Array<Identifier>;
  /** The merges that formed this profile and the unmerges that touched it, oldest first. */
  mergeLog: Array<MergeLogEntry>;
  /** Ids of every profile merged into this one. */
  mergedFrom: Array<Scalars['ID']['output']>;
  /** Order aggregates from the transactional source. */
  orderStats?: Maybe<OrderStats>;
  /** Orders from the transactional source (PostgreSQL), newest first. */
  orders?: Maybe<OrderConnection>;
  /** The most recent behavioral events, newest first. */
  recentEvents: Array<Event>;
  /** The segments the profile is in, as last evaluated by the workers. Not for writers: segments lead to their members. */
  segments: Array<Segment>;
  /** Per source: did it answer for this profile, or is what you see cached (stale)? */
  sourceStatus: Array<SourceStatus>;
  /** The sources this profile was built from. */
  sources: Array<SourceSummary>;
  /** Merged traits: per key, the most recently observed value across records. */
  traits: Scalars['JSON']['output'];
  updatedAt: Scalars['DateTime']['output'];
};


/** Everything known about one person, merged across sources. */
export type ProfileEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  type?: InputMaybe<EventType>;
};


/** Everything known about one person, merged across sources. */
export type ProfileOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Everything known about one person, merged across sources. */
export type ProfileRecentEventsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type ProfileConnection = {
  __typename?: 'ProfileConnection';
  edges: Array<ProfileEdge>;
  pageInfo: PageInfo;
};

export type ProfileEdge = {
  __typename?: 'ProfileEdge';
  /** Opaque cursor; pass it as `after` to continue after this profile. */
  cursor: Scalars['String']['output'];
  node: Profile;
};

export type Query = {
  __typename?: 'Query';
  /** Every API key, newest first, revoked ones included. */
  apiKeys: Array<ApiKey>;
  /** The audit log, newest first. */
  auditLog: AuditConnection;
  clustering?: Maybe<Clustering>;
  /** Every clustering, by id. */
  clusterings: Array<Clustering>;
  /**
   * Everything Mosaic holds about the person with this identifier, as one JSON document
   * (a subject access request): profile, identities, every record version as received,
   * events, orders, computed traits, segment history, merges and matching data. Audited.
   */
  exportPerson: Scalars['JSON']['output'];
  /** Why two profiles would or would not be merged: per-field comparison levels and weights. */
  matchExplanation?: Maybe<MatchExplanation>;
  matchModel: MatchModelInfo;
  /** This gateway's dependencies, federated sources and job queues, read live. */
  operationsStatus: OperationsStatus;
  /** How far event ingestion is behind (backlog, oldest waiting event, lag over the last minute). */
  pipelineStatus: PipelineStatus;
  /** A profile by id; a merged-away id returns the profile it was merged into. */
  profile?: Maybe<Profile>;
  /** A profile by any identifier; the value is normalised as on write (case, whitespace, phone format). */
  profileByIdentifier?: Maybe<Profile>;
  /** Live profiles in id order, with cursor pagination. */
  profiles: ProfileConnection;
  /** Open reviews, oldest first. */
  reviewQueue: ReviewConnection;
  /** A segment by id. */
  segment?: Maybe<Segment>;
  /** Every segment, by id. */
  segments: Array<Segment>;
  /** The role and sources of the credential making this request. */
  whoami: Principal;
};


export type QueryAuditLogArgs = {
  action?: InputMaybe<AuditAction>;
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryClusteringArgs = {
  id: Scalars['ID']['input'];
};


export type QueryExportPersonArgs = {
  kind: IdentifierKind;
  value: Scalars['String']['input'];
};


export type QueryMatchExplanationArgs = {
  profileA: Scalars['ID']['input'];
  profileB: Scalars['ID']['input'];
};


export type QueryProfileArgs = {
  id: Scalars['ID']['input'];
};


export type QueryProfileByIdentifierArgs = {
  kind: IdentifierKind;
  value: Scalars['String']['input'];
};


export type QueryProfilesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryReviewQueueArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QuerySegmentArgs = {
  id: Scalars['ID']['input'];
};

/** Jobs in one BullMQ queue, by state. */
export type QueueDepth = {
  __typename?: 'QueueDepth';
  active: Scalars['Int']['output'];
  delayed: Scalars['Int']['output'];
  failed: Scalars['Int']['output'];
  /** `enrichment`, `segment-refresh`, `webhooks`, `identity`, `clustering`. */
  name: Scalars['String']['output'];
  waiting: Scalars['Int']['output'];
};

export type RecordOrdersResult = {
  __typename?: 'RecordOrdersResult';
  outcomes: Array<OrderOutcome>;
  /** Orders re-sent unchanged. */
  unchanged: Scalars['Int']['output'];
  /** Orders inserted or changed. */
  written: Scalars['Int']['output'];
};

export type ReviewConnection = {
  __typename?: 'ReviewConnection';
  edges: Array<ReviewEdge>;
  pageInfo: PageInfo;
};

export type ReviewDecision =
  /** Same person: merge the two profiles. */
  | 'ACCEPT'
  /** Different people: never merge these profiles automatically. */
  | 'REJECT';

export type ReviewEdge = {
  __typename?: 'ReviewEdge';
  cursor: Scalars['String']['output'];
  node: ReviewItem;
};

/** A pair scored between the thresholds, waiting for a person. */
export type ReviewItem = {
  __typename?: 'ReviewItem';
  /** The live profile holding the candidate. */
  candidateProfile?: Maybe<Profile>;
  candidateRecordId: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  probability: Scalars['Float']['output'];
  /** The live profile holding the record. */
  profile?: Maybe<Profile>;
  recordId: Scalars['String']['output'];
  resolvedAt?: Maybe<Scalars['DateTime']['output']>;
  score: MatchScore;
  status: ReviewStatus;
};

export type ReviewStatus =
  | 'accepted'
  | 'open'
  | 'rejected'
  /** A later decision (a merge, a retrained model's lower score) closed it. */
  | 'superseded';

export type Role =
  /** Everything, personal data in the clear, merges, unmerges and credentials. */
  | 'admin'
  /** Dashboards: segments, their members and live feeds, personal data masked. */
  | 'dashboard'
  /** Frontends: profiles and segments, personal data masked. */
  | 'reader'
  /** CRM and order systems: the write mutations of their own sources. */
  | 'writer';

/**
 * A named group of profiles defined by a rule, kept up to date by the workers: in real time
 * when a profile changes, and by a scheduled refresh for time-relative rules.
 */
export type Segment = {
  __typename?: 'Segment';
  /** A CLUSTER segment's cluster; null for a RULE segment. */
  cluster?: Maybe<SegmentCluster>;
  createdAt: Scalars['DateTime']['output'];
  /** A CLUSTER segment's centroid in words; null for a RULE segment. */
  description?: Maybe<Scalars['String']['output']>;
  /** Its health over the last points (`last`: 1-500). */
  health: SegmentHealth;
  /** Stable id, the slug of the name it was defined with. */
  id: Scalars['ID']['output'];
  kind: SegmentKind;
  /** Members in profile-id order (none while the size is below the privacy floor for this caller). */
  members: ProfileConnection;
  name: Scalars['String']['output'];
  /** Only profiles that granted this purpose can be members (null: no consent needed). */
  purpose?: Maybe<Scalars['String']['output']>;
  /** The latest membership changes, newest first (none while below the privacy floor for this caller). */
  recentChanges: Array<SegmentMembershipChange>;
  /**
   * The rule as it was sent (see the README for the rule language). For every role but
   * admin, the values it compares are masked like traits (by the trait's name and by their
   * looks); its structure, trait names and operators are kept.
   */
  rule: Scalars['JSON']['output'];
  /**
   * Profiles currently in the segment. For every role but admin, a segment whose rule
   * compares a personal trait (anything but `exists` on a trait personal by its name or
   * learned to hold emails or phone numbers) reports 0 while it has fewer members than
   * `MOSAIC_SEGMENT_SIZE_FLOOR` (5), and then has no members or recent changes either.
   */
  size: Scalars['Int']['output'];
  /** True when the size below the privacy floor was hidden from this caller (`size` then reads 0). */
  sizeSuppressed: Scalars['Boolean']['output'];
  updatedAt: Scalars['DateTime']['output'];
  /** Where membership changes are delivered. */
  webhooks: Array<Webhook>;
};


/**
 * A named group of profiles defined by a rule, kept up to date by the workers: in real time
 * when a profile changes, and by a scheduled refresh for time-relative rules.
 */
export type SegmentHealthArgs = {
  last?: InputMaybe<Scalars['Int']['input']>;
};


/**
 * A named group of profiles defined by a rule, kept up to date by the workers: in real time
 * when a profile changes, and by a scheduled refresh for time-relative rules.
 */
export type SegmentMembersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/**
 * A named group of profiles defined by a rule, kept up to date by the workers: in real time
 * when a profile changes, and by a scheduled refresh for time-relative rules.
 */
export type SegmentRecentChangesArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

/**
 * Raised when a health point's step lies `MOSAIC_SEGMENT_ALERT_DEVIATIONS` (4) robust
 * standard deviations from the recent steps' median and moved at least
 * `MOSAIC_SEGMENT_ALERT_MIN_CHANGE` (0.2) of the segment, after 6 points of history.
 */
export type SegmentAlert = {
  __typename?: 'SegmentAlert';
  at: Scalars['DateTime']['output'];
  /** How many robust standard deviations the step is from that median. */
  deviations: Scalars['Float']['output'];
  kind: SegmentAlertKind;
  /** The recent steps' median. */
  median: Scalars['Float']['output'];
  message: Scalars['String']['output'];
  segmentId: Scalars['ID']['output'];
  /** The step: the relative change of size, or the share that entered or left. */
  value: Scalars['Float']['output'];
};

export type SegmentAlertKind =
  /** Far more profiles entered or left than recently. */
  | 'CHURN'
  /** The size stepped up or down far beyond its recent steps. */
  | 'SIZE';

/** The cluster a CLUSTER segment is, as its clustering's latest run found it. */
export type SegmentCluster = {
  __typename?: 'SegmentCluster';
  centroid: Array<FeatureValue>;
  clusterId: Scalars['ID']['output'];
  clusteringId: Scalars['ID']['output'];
  description: Scalars['String']['output'];
  /** Set when a run found no continuation: its members leave as they are re-assigned. */
  retiredAt?: Maybe<Scalars['DateTime']['output']>;
  /** Members when the run assigned them (`Segment.size` is now). */
  size: Scalars['Int']['output'];
};

/**
 * A segment's health: its size over time, entries and exits, the share of members kept,
 * and alerts when its size or churn steps far outside its recent history (a data break,
 * or an over-fitted segment churning). For every role but admin, withheld (no points, no
 * alerts) for a segment whose size is floored for privacy (see `Segment.size`).
 */
export type SegmentHealth = {
  __typename?: 'SegmentHealth';
  /** The alerts the latest point raised; none while it looks like its recent history. */
  alerts: Array<SegmentAlert>;
  /** Points, oldest first: one an hour, and one after each refit of a cluster segment's clustering. */
  points: Array<SegmentHealthPoint>;
};

export type SegmentHealthPoint = {
  __typename?: 'SegmentHealthPoint';
  at: Scalars['DateTime']['output'];
  /** Profiles that entered and left since the previous point. */
  entered: Scalars['Int']['output'];
  exited: Scalars['Int']['output'];
  /** What took it: `hourly`, `clustering <id> refit`. */
  reason: Scalars['String']['output'];
  size: Scalars['Int']['output'];
  /** Share of the previous point's members still in (1 for the first point). */
  stability: Scalars['Float']['output'];
};

export type SegmentKind =
  /** Members by a clustering's nearest centroid. */
  | 'CLUSTER'
  /** Members by a rule. */
  | 'RULE';

/** A profile entering or leaving a segment. */
export type SegmentMembershipChange = {
  __typename?: 'SegmentMembershipChange';
  at: Scalars['DateTime']['output'];
  change: MembershipChange;
  profileId: Scalars['ID']['output'];
  /** What caused the evaluation: a profile change, a scheduled refresh, a merge … */
  reason?: Maybe<Scalars['String']['output']>;
  segmentId: Scalars['ID']['output'];
};

/** A segment's size after a membership change. */
export type SegmentStats = {
  __typename?: 'SegmentStats';
  /** The change that moved it; null while the size is below the privacy floor for this caller (it names a member). */
  lastChange?: Maybe<SegmentMembershipChange>;
  segmentId: Scalars['ID']['output'];
  /** Members right after the change; 0 below the privacy floor, as `Segment.size`. */
  size: Scalars['Int']['output'];
  /** True when the size below the privacy floor was hidden from this caller. */
  sizeSuppressed: Scalars['Boolean']['output'];
};

/** A federated source of profile fields (`crm`, `orders`, `events`) on this gateway. */
export type SourceHealth = {
  __typename?: 'SourceHealth';
  /** Batches sent to the source. */
  batches: Scalars['Int']['output'];
  breaker: BreakerState;
  /** Batches that failed, timeouts included. */
  failures: Scalars['Int']['output'];
  name: Scalars['String']['output'];
  /** Batches not sent because the breaker was open. */
  skippedBatches: Scalars['Int']['output'];
  /** Items answered from the stale cache instead of the source. */
  staleItems: Scalars['Int']['output'];
  /** Batches that timed out. */
  timeouts: Scalars['Int']['output'];
};

/** Where a profile's data came from. */
export type SourceName =
  /** Contacts pushed by CRM systems. */
  | 'crm'
  /** Behavioral events (Segment tracking calls). */
  | 'events'
  /** Orders recorded by transactional systems. */
  | 'orders';

/** How one source answered for this profile in this request. */
export type SourceStatus = {
  __typename?: 'SourceStatus';
  /** When the data shown was read from the source. */
  asOf?: Maybe<Scalars['DateTime']['output']>;
  /** False when the source did not answer and nothing was cached: its fields are null. */
  available: Scalars['Boolean']['output'];
  /** Why the source did not answer. */
  error?: Maybe<Scalars['String']['output']>;
  /** The source's name: `crm`, `orders`, `events`. */
  source: Scalars['String']['output'];
  /** True when the source did not answer and its fields show the last cached answer. */
  stale: Scalars['Boolean']['output'];
};

/** How much of a profile one source contributed. */
export type SourceSummary = {
  __typename?: 'SourceSummary';
  /** Contributions from this source: identifier claims and record versions. */
  contributions: Scalars['Int']['output'];
  firstSeenAt: Scalars['DateTime']['output'];
  lastSeenAt: Scalars['DateTime']['output'];
  name: SourceName;
};

export type Subscription = {
  __typename?: 'Subscription';
  /** Emits the profile each time it changes (new identifiers, traits or merges). */
  profileUpdated: Profile;
  /**
   * Emits each health alert of the segment (or, without `segmentId`, of every segment), from
   * any worker, on every gateway replica; also POSTed to the segment's webhooks as
   * `segment.alert`, signed as membership changes are.
   */
  segmentAlert: SegmentAlert;
  /**
   * Emits every profile entering or leaving the segment, from any worker, on every gateway
   * replica; for every role but admin, none while the segment is below the privacy floor
   * (see `Segment.size`).
   */
  segmentMembershipChanged: SegmentMembershipChange;
  /** Emits the segment's size each time its membership changes (a chart's feed). */
  segmentStats: SegmentStats;
};


export type SubscriptionProfileUpdatedArgs = {
  id: Scalars['ID']['input'];
};


export type SubscriptionSegmentAlertArgs = {
  segmentId?: InputMaybe<Scalars['ID']['input']>;
};


export type SubscriptionSegmentMembershipChangedArgs = {
  segmentId: Scalars['ID']['input'];
};


export type SubscriptionSegmentStatsArgs = {
  segmentId: Scalars['ID']['input'];
};

/** What happened to one event. */
export type TrackEventOutcome = {
  __typename?: 'TrackEventOutcome';
  /** True once the event is applied to a profile (its profile, segments and subscribers see it). */
  applied: Scalars['Boolean']['output'];
  /** True when an event with this messageId had already been accepted. */
  duplicate: Scalars['Boolean']['output'];
  messageId: Scalars['String']['output'];
  /**
   * The profile the event was appended to, once applied; null while it waits in the pipeline
   * (always, unless the request asked to wait).
   */
  profileId?: Maybe<Scalars['ID']['output']>;
};

export type TrackEventsResult = {
  __typename?: 'TrackEventsResult';
  /** Events durably accepted by this request (applied to profiles behind it, by the pipeline). */
  accepted: Scalars['Int']['output'];
  /** Events skipped because their messageId was already accepted. */
  duplicates: Scalars['Int']['output'];
  /** One outcome per event, in request order. */
  outcomes: Array<TrackEventOutcome>;
  /** Accepted events not yet applied to profiles when the answer was given. */
  pending: Scalars['Int']['output'];
};

export type UnmergeResult = {
  __typename?: 'UnmergeResult';
  /** Every profile that moved with the records (the ones they first joined, and those merged into them). */
  movedProfileIds: Array<Scalars['ID']['output']>;
  /** The profile the records were split out of, without them. */
  remaining: Profile;
  /** The profile the split-out records form now. */
  split: Profile;
  unmergeId: Scalars['ID']['output'];
};

/** Result of a bulk CRM sync. */
export type UpsertCrmContactsResult = {
  __typename?: 'UpsertCrmContactsResult';
  /** Contacts whose profile changed. */
  changed: Scalars['Int']['output'];
  outcomes: Array<CrmContactOutcome>;
  /** Contacts re-sent unchanged. */
  unchanged: Scalars['Int']['output'];
};

/** One bar of a waterfall chart: the prior, then each field's weight, with the running total. */
export type WaterfallStep = {
  __typename?: 'WaterfallStep';
  /** Running total in bits (log2 odds) after this step. */
  cumulative: Scalars['Float']['output'];
  label: Scalars['String']['output'];
  /** The match probability the running total means. */
  probability: Scalars['Float']['output'];
  weight: Scalars['Float']['output'];
};

/**
 * A destination for a segment's membership changes: each change is POSTed as JSON, at least
 * once, with `Idempotency-Key` (the change's id) and `X-Mosaic-Signature: t=<unix>,v1=<hex
 * HMAC-SHA256 of "<t>.<body>" with the secret>`.
 */
export type Webhook = {
  __typename?: 'Webhook';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  /** Entries are delivered only for profiles that granted this purpose (exits always are). */
  purpose?: Maybe<Scalars['String']['output']>;
  url: Scalars['String']['output'];
};

export type WebhookInput = {
  /** Deliver entries only for profiles that granted this purpose. */
  purpose?: InputMaybe<Scalars['String']['input']>;
  /** 16-200 characters; signs every delivery. Never returned. */
  secret: Scalars['String']['input'];
  /** http(s) URL that receives the POSTs. */
  url: Scalars['String']['input'];
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = {}, TContext = {}, TArgs = {}> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = {}, TContext = {}, TArgs = {}> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = {}, TContext = {}> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = {}, TContext = {}> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = {}, TParent = {}, TContext = {}, TArgs = {}> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  AddressInput: AddressInput;
  ApiKey: ResolverTypeWrapper<ApiKeyDoc>;
  AuditAction: null;
  AuditConnection: ResolverTypeWrapper<Omit<AuditConnection, 'edges'> & { edges: Array<ResolversTypes['AuditEdge']> }>;
  AuditEdge: ResolverTypeWrapper<Omit<AuditEdge, 'node'> & { node: ResolversTypes['AuditEntry'] }>;
  AuditEntry: ResolverTypeWrapper<AuditEntryDoc>;
  AuditStatus: null;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  BreakerState: BreakerState;
  ClusterSummary: ResolverTypeWrapper<ClusterSummary>;
  Clustering: ResolverTypeWrapper<ClusteringDoc>;
  ClusteringAlgorithm: ClusteringAlgorithm;
  ClusteringInput: ClusteringInput;
  ClusteringRun: ResolverTypeWrapper<ClusteringRunDoc>;
  ClusteringRunStatus: ClusteringRunStatus;
  Consent: ResolverTypeWrapper<Consent>;
  ConsentInput: ConsentInput;
  CreatedApiKey: ResolverTypeWrapper<Omit<CreatedApiKey, 'key'> & { key: ResolversTypes['ApiKey'] }>;
  CrmContactInput: CrmContactInput;
  CrmContactOutcome: ResolverTypeWrapper<CrmContactOutcome>;
  CrmRecord: ResolverTypeWrapper<CrmRecordDoc>;
  CurrencyTotal: ResolverTypeWrapper<CurrencyTotalDoc>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DependencyCheck: ResolverTypeWrapper<DependencyCheck>;
  ErasureCount: ResolverTypeWrapper<ErasureCount>;
  ErasureResult: ResolverTypeWrapper<ErasureResult>;
  Event: ResolverTypeWrapper<EventDoc>;
  EventConnection: ResolverTypeWrapper<Omit<EventConnection, 'edges'> & { edges: Array<ResolversTypes['EventEdge']> }>;
  EventEdge: ResolverTypeWrapper<Omit<EventEdge, 'node'> & { node: ResolversTypes['Event'] }>;
  EventInput: EventInput;
  EventStats: ResolverTypeWrapper<EventStatsDoc>;
  EventType: null;
  FeatureValue: ResolverTypeWrapper<FeatureValue>;
  FieldComparison: ResolverTypeWrapper<FieldComparison>;
  FieldWeight: ResolverTypeWrapper<FieldWeight>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Identifier: ResolverTypeWrapper<Identifier>;
  IdentifierKind: IdentifierKind;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  JSON: ResolverTypeWrapper<Scalars['JSON']['output']>;
  KScore: ResolverTypeWrapper<KScore>;
  MatchDecision: MatchDecision;
  MatchExplanation: ResolverTypeWrapper<MatchExplanation>;
  MatchModelInfo: ResolverTypeWrapper<MatchModelInfo>;
  MatchScore: ResolverTypeWrapper<MatchEvidence>;
  MatchThresholds: ResolverTypeWrapper<MatchThresholds>;
  MembershipChange: null;
  MergeAction: MergeAction;
  MergeLogEntry: ResolverTypeWrapper<MergeLogItem>;
  MergeReason: MergeReason;
  Mutation: ResolverTypeWrapper<{}>;
  OperationsStatus: ResolverTypeWrapper<OperationsStatus>;
  Order: ResolverTypeWrapper<OrderRow>;
  OrderConnection: ResolverTypeWrapper<Omit<OrderConnection, 'edges'> & { edges: Array<ResolversTypes['OrderEdge']> }>;
  OrderEdge: ResolverTypeWrapper<Omit<OrderEdge, 'node'> & { node: ResolversTypes['Order'] }>;
  OrderInput: OrderInput;
  OrderItem: ResolverTypeWrapper<OrderItem>;
  OrderItemInput: OrderItemInput;
  OrderOutcome: ResolverTypeWrapper<OrderOutcome>;
  OrderStats: ResolverTypeWrapper<OrderStatsDoc>;
  OrderStatus: null;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  PiiKind: PiiKind;
  PipelineStatus: ResolverTypeWrapper<PipelineStatus>;
  PipelineWorker: ResolverTypeWrapper<PipelineWorker>;
  Principal: ResolverTypeWrapper<PrincipalDoc>;
  Profile: ResolverTypeWrapper<ProfileDoc>;
  ProfileConnection: ResolverTypeWrapper<Omit<ProfileConnection, 'edges'> & { edges: Array<ResolversTypes['ProfileEdge']> }>;
  ProfileEdge: ResolverTypeWrapper<Omit<ProfileEdge, 'node'> & { node: ResolversTypes['Profile'] }>;
  Query: ResolverTypeWrapper<{}>;
  QueueDepth: ResolverTypeWrapper<QueueDepth>;
  RecordOrdersResult: ResolverTypeWrapper<RecordOrdersResult>;
  ReviewConnection: ResolverTypeWrapper<Omit<ReviewConnection, 'edges'> & { edges: Array<ResolversTypes['ReviewEdge']> }>;
  ReviewDecision: ReviewDecision;
  ReviewEdge: ResolverTypeWrapper<Omit<ReviewEdge, 'node'> & { node: ResolversTypes['ReviewItem'] }>;
  ReviewItem: ResolverTypeWrapper<ReviewItemDoc>;
  ReviewStatus: null;
  Role: null;
  Segment: ResolverTypeWrapper<SegmentDoc>;
  SegmentAlert: ResolverTypeWrapper<SegmentAlert>;
  SegmentAlertKind: SegmentAlertKind;
  SegmentCluster: ResolverTypeWrapper<SegmentCluster>;
  SegmentHealth: ResolverTypeWrapper<SegmentHealth>;
  SegmentHealthPoint: ResolverTypeWrapper<SegmentHealthPoint>;
  SegmentKind: SegmentKind;
  SegmentMembershipChange: ResolverTypeWrapper<SegmentChangeDoc>;
  SegmentStats: ResolverTypeWrapper<Omit<SegmentStats, 'lastChange'> & { lastChange?: Maybe<ResolversTypes['SegmentMembershipChange']> }>;
  SourceHealth: ResolverTypeWrapper<SourceHealth>;
  SourceName: null;
  SourceStatus: ResolverTypeWrapper<SourceStatus>;
  SourceSummary: ResolverTypeWrapper<SourceSummaryDoc>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Subscription: ResolverTypeWrapper<{}>;
  TrackEventOutcome: ResolverTypeWrapper<TrackEventOutcome>;
  TrackEventsResult: ResolverTypeWrapper<TrackEventsResult>;
  UnmergeResult: ResolverTypeWrapper<Omit<UnmergeResult, 'remaining' | 'split'> & { remaining: ResolversTypes['Profile'], split: ResolversTypes['Profile'] }>;
  UpsertCrmContactsResult: ResolverTypeWrapper<UpsertCrmContactsResult>;
  WaterfallStep: ResolverTypeWrapper<WaterfallStep>;
  Webhook: ResolverTypeWrapper<WebhookDoc>;
  WebhookInput: WebhookInput;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  AddressInput: AddressInput;
  ApiKey: ApiKeyDoc;
  AuditConnection: Omit<AuditConnection, 'edges'> & { edges: Array<ResolversParentTypes['AuditEdge']> };
  AuditEdge: Omit<AuditEdge, 'node'> & { node: ResolversParentTypes['AuditEntry'] };
  AuditEntry: AuditEntryDoc;
  Boolean: Scalars['Boolean']['output'];
  ClusterSummary: ClusterSummary;
  Clustering: ClusteringDoc;
  ClusteringInput: ClusteringInput;
  ClusteringRun: ClusteringRunDoc;
  Consent: Consent;
  ConsentInput: ConsentInput;
  CreatedApiKey: Omit<CreatedApiKey, 'key'> & { key: ResolversParentTypes['ApiKey'] };
  CrmContactInput: CrmContactInput;
  CrmContactOutcome: CrmContactOutcome;
  CrmRecord: CrmRecordDoc;
  CurrencyTotal: CurrencyTotalDoc;
  DateTime: Scalars['DateTime']['output'];
  DependencyCheck: DependencyCheck;
  ErasureCount: ErasureCount;
  ErasureResult: ErasureResult;
  Event: EventDoc;
  EventConnection: Omit<EventConnection, 'edges'> & { edges: Array<ResolversParentTypes['EventEdge']> };
  EventEdge: Omit<EventEdge, 'node'> & { node: ResolversParentTypes['Event'] };
  EventInput: EventInput;
  EventStats: EventStatsDoc;
  FeatureValue: FeatureValue;
  FieldComparison: FieldComparison;
  FieldWeight: FieldWeight;
  Float: Scalars['Float']['output'];
  ID: Scalars['ID']['output'];
  Identifier: Identifier;
  Int: Scalars['Int']['output'];
  JSON: Scalars['JSON']['output'];
  KScore: KScore;
  MatchExplanation: MatchExplanation;
  MatchModelInfo: MatchModelInfo;
  MatchScore: MatchEvidence;
  MatchThresholds: MatchThresholds;
  MergeLogEntry: MergeLogItem;
  Mutation: {};
  OperationsStatus: OperationsStatus;
  Order: OrderRow;
  OrderConnection: Omit<OrderConnection, 'edges'> & { edges: Array<ResolversParentTypes['OrderEdge']> };
  OrderEdge: Omit<OrderEdge, 'node'> & { node: ResolversParentTypes['Order'] };
  OrderInput: OrderInput;
  OrderItem: OrderItem;
  OrderItemInput: OrderItemInput;
  OrderOutcome: OrderOutcome;
  OrderStats: OrderStatsDoc;
  PageInfo: PageInfo;
  PipelineStatus: PipelineStatus;
  PipelineWorker: PipelineWorker;
  Principal: PrincipalDoc;
  Profile: ProfileDoc;
  ProfileConnection: Omit<ProfileConnection, 'edges'> & { edges: Array<ResolversParentTypes['ProfileEdge']> };
  ProfileEdge: Omit<ProfileEdge, 'node'> & { node: ResolversParentTypes['Profile'] };
  Query: {};
  QueueDepth: QueueDepth;
  RecordOrdersResult: RecordOrdersResult;
  ReviewConnection: Omit<ReviewConnection, 'edges'> & { edges: Array<ResolversParentTypes['ReviewEdge']> };
  ReviewEdge: Omit<ReviewEdge, 'node'> & { node: ResolversParentTypes['ReviewItem'] };
  ReviewItem: ReviewItemDoc;
  Segment: SegmentDoc;
  SegmentAlert: SegmentAlert;
  SegmentCluster: SegmentCluster;
  SegmentHealth: SegmentHealth;
  SegmentHealthPoint: SegmentHealthPoint;
  SegmentMembershipChange: SegmentChangeDoc;
  SegmentStats: Omit<SegmentStats, 'lastChange'> & { lastChange?: Maybe<ResolversParentTypes['SegmentMembershipChange']> };
  SourceHealth: SourceHealth;
  SourceStatus: SourceStatus;
  SourceSummary: SourceSummaryDoc;
  String: Scalars['String']['output'];
  Subscription: {};
  TrackEventOutcome: TrackEventOutcome;
  TrackEventsResult: TrackEventsResult;
  UnmergeResult: Omit<UnmergeResult, 'remaining' | 'split'> & { remaining: ResolversParentTypes['Profile'], split: ResolversParentTypes['Profile'] };
  UpsertCrmContactsResult: UpsertCrmContactsResult;
  WaterfallStep: WaterfallStep;
  Webhook: WebhookDoc;
  WebhookInput: WebhookInput;
};

export type AuthDirectiveArgs = {
  requires: Array<Role>;
  source?: Maybe<SourceName>;
};

export type AuthDirectiveResolver<Result, Parent, ContextType = GraphQLContext, Args = AuthDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type PiiDirectiveArgs = {
  kind: PiiKind;
};

export type PiiDirectiveResolver<Result, Parent, ContextType = GraphQLContext, Args = PiiDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type ApiKeyResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ApiKey'] = ResolversParentTypes['ApiKey']> = {
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lastUsedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  revokedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  role?: Resolver<ResolversTypes['Role'], ParentType, ContextType>;
  sources?: Resolver<Array<ResolversTypes['SourceName']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type AuditActionResolvers = { API_KEY_CREATED: 'api_key_created', API_KEY_REVOKED: 'api_key_revoked', PERSON_ERASED: 'person_erased', PERSON_EXPORTED: 'person_exported', PROFILES_MERGED: 'profiles_merged', PROFILE_UNMERGED: 'profile_unmerged', REVIEW_RESOLVED: 'review_resolved' };

export type AuditConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuditConnection'] = ResolversParentTypes['AuditConnection']> = {
  edges?: Resolver<Array<ResolversTypes['AuditEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type AuditEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuditEdge'] = ResolversParentTypes['AuditEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['AuditEntry'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type AuditEntryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuditEntry'] = ResolversParentTypes['AuditEntry']> = {
  action?: Resolver<ResolversTypes['AuditAction'], ParentType, ContextType>;
  actor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  details?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  finishedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['AuditStatus'], ParentType, ContextType>;
  targets?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type AuditStatusResolvers = { DONE: 'done', FAILED: 'failed', STARTED: 'started' };

export type ClusterSummaryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ClusterSummary'] = ResolversParentTypes['ClusterSummary']> = {
  centroid?: Resolver<Array<ResolversTypes['FeatureValue']>, ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  segmentId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  size?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ClusteringResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Clustering'] = ResolversParentTypes['Clustering']> = {
  algorithm?: Resolver<ResolversTypes['ClusteringAlgorithm'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  features?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kMax?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  kMin?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  purpose?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  refreshEveryMinutes?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  runs?: Resolver<Array<ResolversTypes['ClusteringRun']>, ParentType, ContextType, RequireFields<ClusteringRunsArgs, 'first'>>;
  sampleSize?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  seed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  segments?: Resolver<Array<ResolversTypes['Segment']>, ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ClusteringRunResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ClusteringRun'] = ResolversParentTypes['ClusteringRun']> = {
  changedShare?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  clusters?: Resolver<Array<ResolversTypes['ClusterSummary']>, ParentType, ContextType>;
  durationMs?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  finishedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  k?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  perK?: Resolver<Array<ResolversTypes['KScore']>, ParentType, ContextType>;
  profiles?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reassigned?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  sampled?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  startedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ClusteringRunStatus'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ConsentResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Consent'] = ResolversParentTypes['Consent']> = {
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  granted?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  purpose?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  recordId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type CreatedApiKeyResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['CreatedApiKey'] = ResolversParentTypes['CreatedApiKey']> = {
  key?: Resolver<ResolversTypes['ApiKey'], ParentType, ContextType>;
  secret?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type CrmContactOutcomeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['CrmContactOutcome'] = ResolversParentTypes['CrmContactOutcome']> = {
  changed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  created?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  crmId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  profileId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type CrmRecordResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['CrmRecord'] = ResolversParentTypes['CrmRecord']> = {
  crmId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  identifiers?: Resolver<Array<ResolversTypes['Identifier']>, ParentType, ContextType>;
  raw?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  receivedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  traits?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type CurrencyTotalResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['CurrencyTotal'] = ResolversParentTypes['CurrencyTotal']> = {
  amount?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  averageOrderValue?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type DependencyCheckResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['DependencyCheck'] = ResolversParentTypes['DependencyCheck']> = {
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  ok?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ErasureCountResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ErasureCount'] = ResolversParentTypes['ErasureCount']> = {
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  store?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ErasureResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ErasureResult'] = ResolversParentTypes['ErasureResult']> = {
  counts?: Resolver<Array<ResolversTypes['ErasureCount']>, ParentType, ContextType>;
  erasureId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  profileIds?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  sweepAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type EventResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Event'] = ResolversParentTypes['Event']> = {
  anonymousId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  event?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  properties?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  receivedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  timestamp?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  traits?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['EventType'], ParentType, ContextType>;
  userId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type EventConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['EventConnection'] = ResolversParentTypes['EventConnection']> = {
  edges?: Resolver<Array<ResolversTypes['EventEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type EventEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['EventEdge'] = ResolversParentTypes['EventEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Event'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type EventStatsResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['EventStats'] = ResolversParentTypes['EventStats']> = {
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  firstSeenAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  lastSeenAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type EventTypeResolvers = { ALIAS: 'alias', GROUP: 'group', IDENTIFY: 'identify', PAGE: 'page', SCREEN: 'screen', TRACK: 'track' };

export type FeatureValueResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['FeatureValue'] = ResolversParentTypes['FeatureValue']> = {
  feature?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type FieldComparisonResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['FieldComparison'] = ResolversParentTypes['FieldComparison']> = {
  field?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  level?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  m?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  termFrequency?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  u?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  valueA?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  valueB?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  weight?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type FieldWeightResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['FieldWeight'] = ResolversParentTypes['FieldWeight']> = {
  field?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  level?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  weight?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type IdentifierResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Identifier'] = ResolversParentTypes['Identifier']> = {
  kind?: Resolver<ResolversTypes['IdentifierKind'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export interface JsonScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['JSON'], any> {
  name: 'JSON';
}

export type KScoreResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['KScore'] = ResolversParentTypes['KScore']> = {
  inertia?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  k?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  silhouette?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type MatchExplanationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['MatchExplanation'] = ResolversParentTypes['MatchExplanation']> = {
  decision?: Resolver<ResolversTypes['MatchDecision'], ParentType, ContextType>;
  fields?: Resolver<Array<ResolversTypes['FieldComparison']>, ParentType, ContextType>;
  modelVersion?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  priorWeight?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  probability?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  profileA?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  profileB?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  recordA?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  recordB?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  rejected?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  thresholds?: Resolver<ResolversTypes['MatchThresholds'], ParentType, ContextType>;
  totalWeight?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  waterfall?: Resolver<Array<ResolversTypes['WaterfallStep']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type MatchModelInfoResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['MatchModelInfo'] = ResolversParentTypes['MatchModelInfo']> = {
  candidatePairs?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  iterations?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  prior?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  randomPairs?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  records?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  thresholds?: Resolver<ResolversTypes['MatchThresholds'], ParentType, ContextType>;
  trainedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type MatchScoreResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['MatchScore'] = ResolversParentTypes['MatchScore']> = {
  fields?: Resolver<Array<ResolversTypes['FieldWeight']>, ParentType, ContextType>;
  modelVersion?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  otherRecordId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  probability?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  recordId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  totalWeight?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type MatchThresholdsResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['MatchThresholds'] = ResolversParentTypes['MatchThresholds']> = {
  conflict?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  merge?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  review?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  settle?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type MembershipChangeResolvers = { ENTERED: 'entered', LEFT: 'left' };

export type MergeLogEntryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['MergeLogEntry'] = ResolversParentTypes['MergeLogEntry']> = {
  action?: Resolver<ResolversTypes['MergeAction'], ParentType, ContextType>;
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  explanation?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  linkedBy?: Resolver<Maybe<ResolversTypes['Identifier']>, ParentType, ContextType>;
  match?: Resolver<Maybe<ResolversTypes['MatchScore']>, ParentType, ContextType>;
  mergedId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  note?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['MergeReason'], ParentType, ContextType>;
  recordId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  recordIds?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  survivorId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  undoneBy?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type MutationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  addSegmentWebhook?: Resolver<ResolversTypes['Webhook'], ParentType, ContextType, RequireFields<MutationAddSegmentWebhookArgs, 'segmentId' | 'webhook'>>;
  createApiKey?: Resolver<ResolversTypes['CreatedApiKey'], ParentType, ContextType, RequireFields<MutationCreateApiKeyArgs, 'name' | 'role'>>;
  defineClustering?: Resolver<ResolversTypes['Clustering'], ParentType, ContextType, RequireFields<MutationDefineClusteringArgs, 'input'>>;
  defineSegment?: Resolver<ResolversTypes['Segment'], ParentType, ContextType, RequireFields<MutationDefineSegmentArgs, 'name' | 'rule'>>;
  deleteClustering?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationDeleteClusteringArgs, 'id'>>;
  deleteSegment?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationDeleteSegmentArgs, 'id'>>;
  erasePerson?: Resolver<ResolversTypes['ErasureResult'], ParentType, ContextType, RequireFields<MutationErasePersonArgs, 'kind' | 'value'>>;
  mergeProfiles?: Resolver<ResolversTypes['Profile'], ParentType, ContextType, RequireFields<MutationMergeProfilesArgs, 'otherProfileId' | 'profileId'>>;
  recordOrders?: Resolver<ResolversTypes['RecordOrdersResult'], ParentType, ContextType, RequireFields<MutationRecordOrdersArgs, 'orders'>>;
  removeSegmentWebhook?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationRemoveSegmentWebhookArgs, 'segmentId' | 'webhookId'>>;
  resolveReview?: Resolver<ResolversTypes['ReviewItem'], ParentType, ContextType, RequireFields<MutationResolveReviewArgs, 'decision' | 'id'>>;
  revokeApiKey?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationRevokeApiKeyArgs, 'id'>>;
  runClustering?: Resolver<ResolversTypes['Clustering'], ParentType, ContextType, RequireFields<MutationRunClusteringArgs, 'id'>>;
  setConsent?: Resolver<ResolversTypes['Profile'], ParentType, ContextType, RequireFields<MutationSetConsentArgs, 'consents' | 'kind' | 'value'>>;
  trackEvents?: Resolver<ResolversTypes['TrackEventsResult'], ParentType, ContextType, RequireFields<MutationTrackEventsArgs, 'events' | 'wait'>>;
  unmergeProfile?: Resolver<ResolversTypes['UnmergeResult'], ParentType, ContextType, RequireFields<MutationUnmergeProfileArgs, 'profileId' | 'recordIds'>>;
  updateSegment?: Resolver<ResolversTypes['Segment'], ParentType, ContextType, RequireFields<MutationUpdateSegmentArgs, 'id'>>;
  upsertCrmContact?: Resolver<ResolversTypes['Profile'], ParentType, ContextType, RequireFields<MutationUpsertCrmContactArgs, 'input'>>;
  upsertCrmContacts?: Resolver<ResolversTypes['UpsertCrmContactsResult'], ParentType, ContextType, RequireFields<MutationUpsertCrmContactsArgs, 'inputs'>>;
};

export type OperationsStatusResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['OperationsStatus'] = ResolversParentTypes['OperationsStatus']> = {
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  checks?: Resolver<Array<ResolversTypes['DependencyCheck']>, ParentType, ContextType>;
  queues?: Resolver<Array<ResolversTypes['QueueDepth']>, ParentType, ContextType>;
  ready?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  sources?: Resolver<Array<ResolversTypes['SourceHealth']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type OrderResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Order'] = ResolversParentTypes['Order']> = {
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  customerId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  items?: Resolver<Array<ResolversTypes['OrderItem']>, ParentType, ContextType>;
  orderId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  placedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type OrderConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['OrderConnection'] = ResolversParentTypes['OrderConnection']> = {
  edges?: Resolver<Array<ResolversTypes['OrderEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type OrderEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['OrderEdge'] = ResolversParentTypes['OrderEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Order'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type OrderItemResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['OrderItem'] = ResolversParentTypes['OrderItem']> = {
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sku?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  unitPrice?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type OrderOutcomeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['OrderOutcome'] = ResolversParentTypes['OrderOutcome']> = {
  orderId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  profileId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  written?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type OrderStatsResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['OrderStats'] = ResolversParentTypes['OrderStats']> = {
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  firstOrderAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  lastOrderAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  totals?: Resolver<Array<ResolversTypes['CurrencyTotal']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type OrderStatusResolvers = { CANCELLED: 'cancelled', COMPLETED: 'completed', PENDING: 'pending', REFUNDED: 'refunded' };

export type PageInfoResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type PipelineStatusResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PipelineStatus'] = ResolversParentTypes['PipelineStatus']> = {
  appliedLastMinute?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  backlog?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  lagP50Seconds?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  lagP99Seconds?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  oldestWaitingSeconds?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  workers?: Resolver<Array<ResolversTypes['PipelineWorker']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type PipelineWorkerResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PipelineWorker'] = ResolversParentTypes['PipelineWorker']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  partitions?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type PrincipalResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Principal'] = ResolversParentTypes['Principal']> = {
  expiresAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  role?: Resolver<ResolversTypes['Role'], ParentType, ContextType>;
  sources?: Resolver<Array<ResolversTypes['SourceName']>, ParentType, ContextType>;
  subject?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ProfileResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Profile'] = ResolversParentTypes['Profile']> = {
  computedTraits?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  consent?: Resolver<Array<ResolversTypes['Consent']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  crmRecords?: Resolver<Maybe<Array<ResolversTypes['CrmRecord']>>, ParentType, ContextType>;
  eventStats?: Resolver<Maybe<ResolversTypes['EventStats']>, ParentType, ContextType>;
  events?: Resolver<Maybe<ResolversTypes['EventConnection']>, ParentType, ContextType, RequireFields<ProfileEventsArgs, 'first'>>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  identifiers?: Resolver<Array<ResolversTypes['Identifier']>, ParentType, ContextType>;
  mergeLog?: Resolver<Array<ResolversTypes['MergeLogEntry']>, ParentType, ContextType>;
  mergedFrom?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  orderStats?: Resolver<Maybe<ResolversTypes['OrderStats']>, ParentType, ContextType>;
  orders?: Resolver<Maybe<ResolversTypes['OrderConnection']>, ParentType, ContextType, RequireFields<ProfileOrdersArgs, 'first'>>;
  recentEvents?: Resolver<Array<ResolversTypes['Event']>, ParentType, ContextType, RequireFields<ProfileRecentEventsArgs, 'first'>>;
  segments?: Resolver<Array<ResolversTypes['Segment']>, ParentType, ContextType>;
  sourceStatus?: Resolver<Array<ResolversTypes['SourceStatus']>, ParentType, ContextType>;
  sources?: Resolver<Array<ResolversTypes['SourceSummary']>, ParentType, ContextType>;
  traits?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ProfileConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ProfileConnection'] = ResolversParentTypes['ProfileConnection']> = {
  edges?: Resolver<Array<ResolversTypes['ProfileEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ProfileEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ProfileEdge'] = ResolversParentTypes['ProfileEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Profile'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type QueryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  apiKeys?: Resolver<Array<ResolversTypes['ApiKey']>, ParentType, ContextType>;
  auditLog?: Resolver<ResolversTypes['AuditConnection'], ParentType, ContextType, RequireFields<QueryAuditLogArgs, 'first'>>;
  clustering?: Resolver<Maybe<ResolversTypes['Clustering']>, ParentType, ContextType, RequireFields<QueryClusteringArgs, 'id'>>;
  clusterings?: Resolver<Array<ResolversTypes['Clustering']>, ParentType, ContextType>;
  exportPerson?: Resolver<ResolversTypes['JSON'], ParentType, ContextType, RequireFields<QueryExportPersonArgs, 'kind' | 'value'>>;
  matchExplanation?: Resolver<Maybe<ResolversTypes['MatchExplanation']>, ParentType, ContextType, RequireFields<QueryMatchExplanationArgs, 'profileA' | 'profileB'>>;
  matchModel?: Resolver<ResolversTypes['MatchModelInfo'], ParentType, ContextType>;
  operationsStatus?: Resolver<ResolversTypes['OperationsStatus'], ParentType, ContextType>;
  pipelineStatus?: Resolver<ResolversTypes['PipelineStatus'], ParentType, ContextType>;
  profile?: Resolver<Maybe<ResolversTypes['Profile']>, ParentType, ContextType, RequireFields<QueryProfileArgs, 'id'>>;
  profileByIdentifier?: Resolver<Maybe<ResolversTypes['Profile']>, ParentType, ContextType, RequireFields<QueryProfileByIdentifierArgs, 'kind' | 'value'>>;
  profiles?: Resolver<ResolversTypes['ProfileConnection'], ParentType, ContextType, Partial<QueryProfilesArgs>>;
  reviewQueue?: Resolver<ResolversTypes['ReviewConnection'], ParentType, ContextType, Partial<QueryReviewQueueArgs>>;
  segment?: Resolver<Maybe<ResolversTypes['Segment']>, ParentType, ContextType, RequireFields<QuerySegmentArgs, 'id'>>;
  segments?: Resolver<Array<ResolversTypes['Segment']>, ParentType, ContextType>;
  whoami?: Resolver<ResolversTypes['Principal'], ParentType, ContextType>;
};

export type QueueDepthResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['QueueDepth'] = ResolversParentTypes['QueueDepth']> = {
  active?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  delayed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  failed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  waiting?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type RecordOrdersResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RecordOrdersResult'] = ResolversParentTypes['RecordOrdersResult']> = {
  outcomes?: Resolver<Array<ResolversTypes['OrderOutcome']>, ParentType, ContextType>;
  unchanged?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  written?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ReviewConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ReviewConnection'] = ResolversParentTypes['ReviewConnection']> = {
  edges?: Resolver<Array<ResolversTypes['ReviewEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ReviewEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ReviewEdge'] = ResolversParentTypes['ReviewEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['ReviewItem'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ReviewItemResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ReviewItem'] = ResolversParentTypes['ReviewItem']> = {
  candidateProfile?: Resolver<Maybe<ResolversTypes['Profile']>, ParentType, ContextType>;
  candidateRecordId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  probability?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  profile?: Resolver<Maybe<ResolversTypes['Profile']>, ParentType, ContextType>;
  recordId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  resolvedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  score?: Resolver<ResolversTypes['MatchScore'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ReviewStatus'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ReviewStatusResolvers = { ACCEPTED: 'accepted', OPEN: 'open', REJECTED: 'rejected', SUPERSEDED: 'superseded' };

export type RoleResolvers = { ADMIN: 'admin', DASHBOARD: 'dashboard', READER: 'reader', WRITER: 'writer' };

export type SegmentResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Segment'] = ResolversParentTypes['Segment']> = {
  cluster?: Resolver<Maybe<ResolversTypes['SegmentCluster']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  health?: Resolver<ResolversTypes['SegmentHealth'], ParentType, ContextType, RequireFields<SegmentHealthArgs, 'last'>>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['SegmentKind'], ParentType, ContextType>;
  members?: Resolver<ResolversTypes['ProfileConnection'], ParentType, ContextType, RequireFields<SegmentMembersArgs, 'first'>>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  purpose?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  recentChanges?: Resolver<Array<ResolversTypes['SegmentMembershipChange']>, ParentType, ContextType, RequireFields<SegmentRecentChangesArgs, 'first'>>;
  rule?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  size?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sizeSuppressed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  webhooks?: Resolver<Array<ResolversTypes['Webhook']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type SegmentAlertResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SegmentAlert'] = ResolversParentTypes['SegmentAlert']> = {
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  deviations?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['SegmentAlertKind'], ParentType, ContextType>;
  median?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  segmentId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type SegmentClusterResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SegmentCluster'] = ResolversParentTypes['SegmentCluster']> = {
  centroid?: Resolver<Array<ResolversTypes['FeatureValue']>, ParentType, ContextType>;
  clusterId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  clusteringId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  retiredAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  size?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type SegmentHealthResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SegmentHealth'] = ResolversParentTypes['SegmentHealth']> = {
  alerts?: Resolver<Array<ResolversTypes['SegmentAlert']>, ParentType, ContextType>;
  points?: Resolver<Array<ResolversTypes['SegmentHealthPoint']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type SegmentHealthPointResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SegmentHealthPoint'] = ResolversParentTypes['SegmentHealthPoint']> = {
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  entered?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  exited?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  size?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  stability?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type SegmentMembershipChangeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SegmentMembershipChange'] = ResolversParentTypes['SegmentMembershipChange']> = {
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  change?: Resolver<ResolversTypes['MembershipChange'], ParentType, ContextType>;
  profileId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  segmentId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type SegmentStatsResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SegmentStats'] = ResolversParentTypes['SegmentStats']> = {
  lastChange?: Resolver<Maybe<ResolversTypes['SegmentMembershipChange']>, ParentType, ContextType>;
  segmentId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  size?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sizeSuppressed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type SourceHealthResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SourceHealth'] = ResolversParentTypes['SourceHealth']> = {
  batches?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  breaker?: Resolver<ResolversTypes['BreakerState'], ParentType, ContextType>;
  failures?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  skippedBatches?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  staleItems?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  timeouts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type SourceNameResolvers = { CRM: 'crm', EVENTS: 'events', ORDERS: 'orders' };

export type SourceStatusResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SourceStatus'] = ResolversParentTypes['SourceStatus']> = {
  asOf?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  available?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  source?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  stale?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type SourceSummaryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SourceSummary'] = ResolversParentTypes['SourceSummary']> = {
  contributions?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  firstSeenAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  lastSeenAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['SourceName'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type SubscriptionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  profileUpdated?: SubscriptionResolver<ResolversTypes['Profile'], "profileUpdated", ParentType, ContextType, RequireFields<SubscriptionProfileUpdatedArgs, 'id'>>;
  segmentAlert?: SubscriptionResolver<ResolversTypes['SegmentAlert'], "segmentAlert", ParentType, ContextType, Partial<SubscriptionSegmentAlertArgs>>;
  segmentMembershipChanged?: SubscriptionResolver<ResolversTypes['SegmentMembershipChange'], "segmentMembershipChanged", ParentType, ContextType, RequireFields<SubscriptionSegmentMembershipChangedArgs, 'segmentId'>>;
  segmentStats?: SubscriptionResolver<ResolversTypes['SegmentStats'], "segmentStats", ParentType, ContextType, RequireFields<SubscriptionSegmentStatsArgs, 'segmentId'>>;
};

export type TrackEventOutcomeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TrackEventOutcome'] = ResolversParentTypes['TrackEventOutcome']> = {
  applied?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  duplicate?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  messageId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  profileId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type TrackEventsResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TrackEventsResult'] = ResolversParentTypes['TrackEventsResult']> = {
  accepted?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  duplicates?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  outcomes?: Resolver<Array<ResolversTypes['TrackEventOutcome']>, ParentType, ContextType>;
  pending?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type UnmergeResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['UnmergeResult'] = ResolversParentTypes['UnmergeResult']> = {
  movedProfileIds?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  remaining?: Resolver<ResolversTypes['Profile'], ParentType, ContextType>;
  split?: Resolver<ResolversTypes['Profile'], ParentType, ContextType>;
  unmergeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type UpsertCrmContactsResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['UpsertCrmContactsResult'] = ResolversParentTypes['UpsertCrmContactsResult']> = {
  changed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  outcomes?: Resolver<Array<ResolversTypes['CrmContactOutcome']>, ParentType, ContextType>;
  unchanged?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type WaterfallStepResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['WaterfallStep'] = ResolversParentTypes['WaterfallStep']> = {
  cumulative?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  label?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  probability?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  weight?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type WebhookResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Webhook'] = ResolversParentTypes['Webhook']> = {
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  purpose?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type Resolvers<ContextType = GraphQLContext> = {
  ApiKey?: ApiKeyResolvers<ContextType>;
  AuditAction?: AuditActionResolvers;
  AuditConnection?: AuditConnectionResolvers<ContextType>;
  AuditEdge?: AuditEdgeResolvers<ContextType>;
  AuditEntry?: AuditEntryResolvers<ContextType>;
  AuditStatus?: AuditStatusResolvers;
  ClusterSummary?: ClusterSummaryResolvers<ContextType>;
  Clustering?: ClusteringResolvers<ContextType>;
  ClusteringRun?: ClusteringRunResolvers<ContextType>;
  Consent?: ConsentResolvers<ContextType>;
  CreatedApiKey?: CreatedApiKeyResolvers<ContextType>;
  CrmContactOutcome?: CrmContactOutcomeResolvers<ContextType>;
  CrmRecord?: CrmRecordResolvers<ContextType>;
  CurrencyTotal?: CurrencyTotalResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  DependencyCheck?: DependencyCheckResolvers<ContextType>;
  ErasureCount?: ErasureCountResolvers<ContextType>;
  ErasureResult?: ErasureResultResolvers<ContextType>;
  Event?: EventResolvers<ContextType>;
  EventConnection?: EventConnectionResolvers<ContextType>;
  EventEdge?: EventEdgeResolvers<ContextType>;
  EventStats?: EventStatsResolvers<ContextType>;
  EventType?: EventTypeResolvers;
  FeatureValue?: FeatureValueResolvers<ContextType>;
  FieldComparison?: FieldComparisonResolvers<ContextType>;
  FieldWeight?: FieldWeightResolvers<ContextType>;
  Identifier?: IdentifierResolvers<ContextType>;
  JSON?: GraphQLScalarType;
  KScore?: KScoreResolvers<ContextType>;
  MatchExplanation?: MatchExplanationResolvers<ContextType>;
  MatchModelInfo?: MatchModelInfoResolvers<ContextType>;
  MatchScore?: MatchScoreResolvers<ContextType>;
  MatchThresholds?: MatchThresholdsResolvers<ContextType>;
  MembershipChange?: MembershipChangeResolvers;
  MergeLogEntry?: MergeLogEntryResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  OperationsStatus?: OperationsStatusResolvers<ContextType>;
  Order?: OrderResolvers<ContextType>;
  OrderConnection?: OrderConnectionResolvers<ContextType>;
  OrderEdge?: OrderEdgeResolvers<ContextType>;
  OrderItem?: OrderItemResolvers<ContextType>;
  OrderOutcome?: OrderOutcomeResolvers<ContextType>;
  OrderStats?: OrderStatsResolvers<ContextType>;
  OrderStatus?: OrderStatusResolvers;
  PageInfo?: PageInfoResolvers<ContextType>;
  PipelineStatus?: PipelineStatusResolvers<ContextType>;
  PipelineWorker?: PipelineWorkerResolvers<ContextType>;
  Principal?: PrincipalResolvers<ContextType>;
  Profile?: ProfileResolvers<ContextType>;
  ProfileConnection?: ProfileConnectionResolvers<ContextType>;
  ProfileEdge?: ProfileEdgeResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  QueueDepth?: QueueDepthResolvers<ContextType>;
  RecordOrdersResult?: RecordOrdersResultResolvers<ContextType>;
  ReviewConnection?: ReviewConnectionResolvers<ContextType>;
  ReviewEdge?: ReviewEdgeResolvers<ContextType>;
  ReviewItem?: ReviewItemResolvers<ContextType>;
  ReviewStatus?: ReviewStatusResolvers;
  Role?: RoleResolvers;
  Segment?: SegmentResolvers<ContextType>;
  SegmentAlert?: SegmentAlertResolvers<ContextType>;
  SegmentCluster?: SegmentClusterResolvers<ContextType>;
  SegmentHealth?: SegmentHealthResolvers<ContextType>;
  SegmentHealthPoint?: SegmentHealthPointResolvers<ContextType>;
  SegmentMembershipChange?: SegmentMembershipChangeResolvers<ContextType>;
  SegmentStats?: SegmentStatsResolvers<ContextType>;
  SourceHealth?: SourceHealthResolvers<ContextType>;
  SourceName?: SourceNameResolvers;
  SourceStatus?: SourceStatusResolvers<ContextType>;
  SourceSummary?: SourceSummaryResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  TrackEventOutcome?: TrackEventOutcomeResolvers<ContextType>;
  TrackEventsResult?: TrackEventsResultResolvers<ContextType>;
  UnmergeResult?: UnmergeResultResolvers<ContextType>;
  UpsertCrmContactsResult?: UpsertCrmContactsResultResolvers<ContextType>;
  WaterfallStep?: WaterfallStepResolvers<ContextType>;
  Webhook?: WebhookResolvers<ContextType>;
};

export type DirectiveResolvers<ContextType = GraphQLContext> = {
  auth?: AuthDirectiveResolver<any, any, ContextType>;
  pii?: PiiDirectiveResolver<any, any, ContextType>;
};
