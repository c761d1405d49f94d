import DataLoader from 'dataloader';
import { badInput } from '../errors';
import type { IdentifierPolicy } from '../identity/identifierPolicy';
import { identityKey, type IdentifierKind } from '../identity/kinds';
import { GOLD_EVENTS, type GoldProfile } from './goldDocuments';
import type { GoldAccess } from './goldAccess';
import { mergeLogOf, type MergeLogItem } from '../identity/mergeLog';
import { eventLogName } from '../ingest/eventBatchWriter';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { EventDoc, IdentityDoc, MergePointerDoc, ProfileDoc } from '../store/models';

/** Longest merge chain followed on read before the data is declared corrupt. */
const MAX_HOPS = 1024;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface ProfilePage {
  edges: { cursor: string; node: ProfileDoc }[];
  hasNextPage: boolean;
  endCursor: string | null;
}

/** Batches the `_id` look-ups of one operation into one store call per loader and tick. */
function keyLoader<T>(
  get: (keys: string[]) => Promise<Map<string, T>>,
): DataLoader<string, T | null> {
  return new DataLoader(async (keys) => {
    const found = await get([...keys]);
    return keys.map((k) => found.get(k) ?? null);
  });
}

/**
 * Read side of profiles, one instance per request: its DataLoaders batch and cache the
 * look-ups of one GraphQL operation (never across requests, so a request never sees
 * another request's stale data).
 */
export class ProfileReader {
  private readonly profiles: DataLoader<string, ProfileDoc | null>;
  private readonly pointers: DataLoader<string, MergePointerDoc | null>;
  private readonly identities: DataLoader<string, IdentityDoc | null>;
  /** Profiles this operation read with their gold document (read or assembled). */
  private readonly golds = new WeakMap<ProfileDoc, GoldProfile>();

  constructor(
    private readonly store: IdentityGraphStore,
    private readonly policy: IdentifierPolicy,
    /** The gold documents (null: read the store only, e.g. in tools). */
    private readonly gold: GoldAccess | null = null,
  ) {
    this.profiles = keyLoader((ids) => store.getProfiles(ids));
    this.pointers = keyLoader((ids) => store.getMergePointers(ids));
    this.identities = keyLoader((keys) => store.getIdentities(keys));
  }

  /**
   * The live profile for `id`, following merges: reading a merged-away id gives the
   * survivor. The merge pointer is checked alongside the view (same round trip), so a
   * view not yet turned into a tombstone is never served as live.
   */
  async byId(id: string): Promise<ProfileDoc | null> {
    let current = id;
    for (let hop = 0; hop <= MAX_HOPS; hop++) {
      const [doc, pointer] = await Promise.all([
        this.profiles.load(current),
        this.pointers.load(current),
      ]);
      const next = pointer?.into ?? doc?.mergedInto ?? null;
      if (next === null) return doc;
      current = next;
    }
    throw new Error(`Merge chain longer than ${MAX_HOPS} from profile ${id}`);
  }

  /** Looks a profile up by any identifier, normalising the value as on write. */
  async byIdentifier(kind: IdentifierKind, value: string): Promise<ProfileDoc | null> {
    const key = identityKey(this.policy.normalise(kind, value, 'value'));
    const access = this.goldAccess();
    if (access === null) return this.storedByIdentity(key);
    // Where the identity led last time (hot tier), else where it leads now (the store);
    // either way only a guess of which gold document to read, checked against it.
    const hint = (await access.tryHot((tier) => tier.profileOf(key))) ?? null;
    const guess = hint ?? (await this.identities.load(key))?.profileId ?? null;
    if (guess === null) return null;
    const profile = await this.goldProfile(
      access,
      guess,
      () => this.storedByIdentity(key),
      (g) => g.profile.identifiers.some((i) => identityKey(i) === key),
    );
    if (profile !== null && profile._id !== hint)
      await access.tryHot((tier) => tier.rememberProfileOf(key, profile._id));
    return profile;
  }

  /**
   * The live profile for `id` as `byId` finds it, from its gold document where there is a
   * current one: what an operation's top-level profile look-up uses (nested reads use `byId`).
   */
  async profile(id: string): Promise<ProfileDoc | null> {
    const access = this.goldAccess();
    if (access === null) return this.byId(id);
    return this.goldProfile(
      access,
      id,
      () => this.byId(id),
      () => true,
    );
  }

  /**
   * The page's profiles as their current gold documents hold them, where there are some
   * (hot tier first, then the store, each in one burst): a page's events, traits and
   * memberships then cost no store read per profile.
   */
  private async withGold(docs: ProfileDoc[]): Promise<ProfileDoc[]> {
    const access = this.goldAccess();
    if (access === null || docs.length === 0) return docs;
    const golds = new Map<string, GoldProfile>();
    const hot = await access.tryHot((tier) => Promise.all(docs.map((d) => tier.read(d._id))));
    hot?.forEach(({ gold }, i) => gold && golds.set(docs[i]!._id, gold));
    const missed = docs.filter((d) => !golds.has(d._id)).map((d) => d._id);
    // Without them the page's fields read their stores: slower, still right.
    const stored =
      missed.length > 0
        ? await access.stored.readCurrent(missed).catch(() => new Map<string, GoldProfile>())
        : new Map<string, GoldProfile>();
    for (const [id, gold] of stored) golds.set(id, gold);
    return docs.map((doc) => {
      const gold = golds.get(doc._id);
      if (gold === undefined || gold.profile.mergedInto !== null) return doc;
      this.golds.set(gold.profile, gold);
      return gold.profile;
    });
  }

  /** The gold document the profile was read with, if it was. */
  goldOf(profile: ProfileDoc): GoldProfile | undefined {
    return this.golds.get(profile);
  }

  private async storedByIdentity(key: string): Promise<ProfileDoc | null> {
    const identity = await this.identities.load(key);
    return identity === null ? null : this.byId(identity.profileId);
  }

  /** Gold documents may be read: the process keeps them and none of its fences is outstanding. */
  private goldAccess(): GoldAccess | null {
    const access = this.gold;
    if (access === null) return null;
    if (access.fences.trusted()) return access;
    if (access.hot !== null) access.countHot('bypass');
    return null;
  }

  /**
   * Profile `id` from its gold document when one is current and `holds` what was asked
   * for: the hot tier's, else the store's (which then fills the hot tier). Otherwise the
   * store's answer (`load`), assembled into a gold document and filled in both under the
   * tokens read before any of it. When `load` leads to another profile, that one is
   * returned as it is.
   */
  private async goldProfile(
    access: GoldAccess,
    id: string,
    load: () => Promise<ProfileDoc | null>,
    holds: (gold: GoldProfile) => boolean,
  ): Promise<ProfileDoc | null> {
    const usable = (gold: GoldProfile | null): gold is GoldProfile =>
      gold !== null && gold.profile.mergedInto === null && holds(gold);
    const hot = await access.tryHot((tier) => tier.read(id));
    if (hot !== undefined && usable(hot.gold)) {
      access.countHot('hit');
      return this.served(hot.gold);
    }
    if (access.hot !== null) access.countHot(hot === undefined ? 'bypass' : 'miss');
    const stored = await access.stored.read(id);
    if (usable(stored.gold)) {
      access.countStored('hit');
      const gold = stored.gold;
      if (hot !== undefined) await access.tryHot((tier) => tier.fill(id, hot.token, gold));
      return this.served(gold);
    }
    access.countStored('miss');
    // Whatever this operation read before the tokens is not what may be filled under them.
    this.profiles.clearAll();
    this.pointers.clearAll();
    this.identities.clearAll();
    const profile = await load();
    if (profile === null || profile._id !== id) return profile;
    const assembled = await this.assemble(access, profile);
    this.golds.set(profile, assembled);
    // The read has its answer: a fill that fails (store busy, read-only) only costs the
    // next reader a miss.
    await access.stored.fill(id, stored.token, assembled).catch(() => false);
    if (hot !== undefined) await access.tryHot((tier) => tier.fill(id, hot.token, assembled));
    return profile;
  }

  private served(gold: GoldProfile): ProfileDoc {
    this.golds.set(gold.profile, gold);
    return gold.profile;
  }

  private async assemble(access: GoldAccess, profile: ProfileDoc): Promise<GoldProfile> {
    const [events, subjects] = await Promise.all([
      this.recentFromLogs(profile, GOLD_EVENTS),
      access.subjects([profile._id]),
    ]);
    const subject = subjects.get(profile._id);
    return {
      profile,
      events,
      computedTraits: subject?.computed ?? null,
      segmentIds: subject?.segments ?? [],
      builtAt: new Date(),
    };
  }

  /** Live profiles in id (= creation) order. */
  async page(
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<ProfilePage> {
    const size = first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
      throw badInput('first', `must be between 0 and ${MAX_PAGE_SIZE}, got ${size}`);
    }
    const afterId = after == null ? null : decodeCursor(after);
    const docs = await this.store.listLiveProfiles(afterId, size + 1);
    const nodes = await this.withGold(docs.slice(0, size));
    for (const node of nodes) this.profiles.prime(node._id, node);
    const edges = nodes.map((node) => ({ cursor: encodeCursor(node._id), node }));
    return { edges, hasNextPage: docs.length > size, endCursor: edges.at(-1)?.cursor ?? null };
  }

  /** The cluster's latest events by arrival, newest first, across every merged profile. */
  async recentEvents(profile: ProfileDoc, limit: number): Promise<EventDoc[]> {
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_SIZE) {
      throw badInput('first', `must be between 0 and ${MAX_PAGE_SIZE}, got ${limit}`);
    }
    if (limit === 0) return [];
    const gold = this.golds.get(profile);
    if (gold !== undefined && limit <= GOLD_EVENTS) return gold.events.slice(0, limit);
    return this.recentFromLogs(profile, limit);
  }

  private async recentFromLogs(profile: ProfileDoc, limit: number): Promise<EventDoc[]> {
    const members = [profile._id, ...profile.mergedFrom];
    const tails = await Promise.all(
      members.map((m) => this.store.eventLog.readLast(eventLogName(m), limit)),
    );
    const seen = new Set<string>();
    const newest: EventDoc[] = [];
    for (const { data } of tails
      .flat()
      .sort((a, b) => b.at.getTime() - a.at.getTime() || b.seq - a.seq)) {
      // A retried indexing can log an event twice; show it once.
      if (seen.has(data._id)) continue;
      seen.add(data._id);
      newest.push(data);
      if (newest.length === limit) break;
    }
    return newest;
  }

  /** Every merge that formed this profile, and every unmerge that touched it, oldest first. */
  async mergeLog(profile: ProfileDoc): Promise<MergeLogItem[]> {
    const [pointers, unmerges] = await Promise.all([
      Promise.all(profile.mergedFrom.map((id) => this.pointers.load(id))),
      this.store.getUnmerges(profile.unmerges ?? []),
    ]);
    return mergeLogOf(
      pointers.filter((p): p is MergePointerDoc => p !== null),
      [...unmerges.values()],
    );
  }
}

/** Cursors are opaque to clients; base64url keeps them URL-safe for GET requests. */
export function encodeCursor(profileId: string): string {
  return Buffer.from(`profile:${profileId}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const match = /^profile:([0-9A-Z]{26})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match)
    throw badInput('after', `"${cursor.slice(0, 64)}" is not a cursor returned by this API`);
  return match[1]!;
}
