import { randomBytes } from 'node:crypto';
import type { EventDoc, ProfileDoc } from '../store/models';

/** The newest events a gold document holds: `recentEvents(first)` up to this is served from it. */
export const GOLD_EVENTS = 50;

/**
 * Everything the common profile read needs, in one document per live profile: the merged
 * view, the cluster's newest events, and what enrichment last computed. It is assembled
 * from the store on a miss, kept in the store and the hot tier, and served from them
 * until a write to any of its parts fences it.
 */
export interface GoldProfile {
  /** The live view, as the store holds it. */
  profile: ProfileDoc;
  /** The cluster's newest events by arrival, newest first, at most GOLD_EVENTS. */
  events: EventDoc[];
  /** Enrichment's computed traits (null before the first enrichment). */
  computedTraits: Record<string, unknown> | null;
  /** Ids of the segments enrichment last put the profile in. */
  segmentIds: string[];
  builtAt: Date;
}

/** A look-up of a gold document: the document when it is current, and always the fill token. */
export interface GoldRead {
  gold: GoldProfile | null;
  /**
   * The profile's current fence token. A fill is accepted only while it is still the
   * token, so a document assembled from reads made after this look-up can never replace
   * a write fenced after it.
   */
  token: string;
}

/**
 * Where gold documents are kept, each under a fence token. Correctness rests on fences,
 * not on expiry: every write that changes what a gold document shows fences the profile
 * *after* the store write and *before* the write is acknowledged; a fence changes the
 * profile's token and drops its document, and a fill carries the token read before its
 * store reads. So a reader can only keep what it read after the last fence, and after any
 * acknowledged write every replica either misses (and reads the store) or finds a
 * document read after it. Expiry only bounds memory, and staleness after a crash between
 * a write and its fence or while a fence cannot land (see GoldFences).
 */
export interface GoldDocuments {
  read(profileId: string): Promise<GoldRead>;
  /** Stores `gold` if `token` is still the profile's token; false when it was fenced since. */
  fill(profileId: string, token: string, gold: GoldProfile): Promise<boolean>;
  /** Drops the profiles' documents and makes every fill begun before it fail. */
  fence(profileIds: string[]): Promise<void>;
}

/** Gold documents in the profile store: the durable layer every replica reads on a hot-tier miss. */
export interface StoredGoldDocuments extends GoldDocuments {
  /** The current documents among `profileIds` (absent: none, fenced or expired), in one go. */
  readCurrent(profileIds: string[]): Promise<Map<string, GoldProfile>>;
}

/**
 * The hot tier: gold documents and the identity → profile hints in memory, shared by
 * every replica (Redis), in front of the stored gold documents.
 */
export interface ProfileHotTier extends GoldDocuments {
  /** The profile an identity led to when last read: a hint, checked against what it finds. */
  profileOf(identityKey: string): Promise<string | null>;
  rememberProfileOf(identityKey: string, profileId: string): Promise<void>;
  /** Drops identity hints (erasure: the hint names the person's profile). */
  forgetIdentities(identityKeys: string[]): Promise<void>;
}

/**
 * A new fence token. Tokens never repeat, so a fill made under a token read before a
 * fence can never be served after it, even where a token expired or was evicted.
 */
export function newFenceToken(): string {
  return randomBytes(12).toString('base64url');
}

/** The tier could not answer (Redis away or slow): the reader goes to the store instead. */
export class HotTierUnavailable extends Error {
  constructor(cause: unknown) {
    super(`hot tier unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'HotTierUnavailable';
  }
}
