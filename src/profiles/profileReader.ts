import DataLoader from 'dataloader';
import { badInput } from '../errors';
import type { IdentifierPolicy } from '../identity/identifierPolicy';
import { identityKey, type IdentifierKind } from '../identity/kinds';
import { GOLD_EVENTS, type GoldProfile } from './hotTier';
import type { HotTierAccess } from './hotTierAccess';
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
  /** Profiles this operation read with their gold document (from the hot tier or assembled). */
  private readonly golds = new WeakMap<ProfileDoc, GoldProfile>();

  constructor(
    private readonly store: IdentityGraphStore,
    private readonly policy: IdentifierPolicy,
    /** The hot tier, when the deployment runs one. */
    private readonly hot: HotTierAccess | null = null,
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
    const hot = await this.hotRead(async (access) => {
      const hint = await access.tier.profileOf(key);
      if (hint === null) {
        // The first read of an identity only learns where it leads: a document assembled
        // now would rest on reads made before any token, so the next read fills it.
        const profile = await this.storedByIdentity(key);
        if (profile !== null) await access.tier.rememberProfileOf(key, profile._id);
        access.count('miss');
        return profile;
      }
      return this.hotProfile(access, hint, () => this.storedByIdentity(key), {
        holds: (gold) => gold.profile.identifiers.some((i) => identityKey(i) === key),
        moved: (to) => access.tier.rememberProfileOf(key, to),
      });
    });
    return hot !== undefined ? hot : this.storedByIdentity(key);
  }

  /**
   * The live profile for `id` as `byId` finds it, through the hot tier when there is one:
   * what an operation's top-level profile look-up uses (nested reads use `byId`).
   */
  async profile(id: string): Promise<ProfileDoc | null> {
    const hot = await this.hotRead((access) =>
      this.hotProfile(access, id, () => this.byId(id), { holds: () => true }),
    );
    return hot !== undefined ? hot : this.byId(id);
  }

  /**
   * The page's profiles as their current gold documents hold them, where the hot tier has
   * one: a page's events, traits and memberships then cost no store read per profile.
   */
  private async withGold(docs: ProfileDoc[]): Promise<ProfileDoc[]> {
    const hot = await this.hotRead(async (access) => {
      const reads = await Promise.all(docs.map((d) => access.tier.read(d._id)));
      return reads.map(({ gold }, i) => {
        if (gold === null || gold.profile.mergedInto !== null) return docs[i]!;
        this.golds.set(gold.profile, gold);
        return gold.profile;
      });
    });
    return hot ?? docs;
  }

  /** The gold document the profile was read with, if it was. */
  goldOf(profile: ProfileDoc): GoldProfile | undefined {
    return this.golds.get(profile);
  }

  private async storedByIdentity(key: string): Promise<ProfileDoc | null> {
    const identity = await this.identities.load(key);
    return identity === null ? null : this.byId(identity.profileId);
  }

  /** `read` through the hot tier; undefined when the tier is off or failed (read the store). */
  private async hotRead<T>(read: (access: HotTierAccess) => Promise<T>): Promise<T | undefined> {
    const access = this.hot;
    if (access === null) return undefined;
    if (!access.fences.trusted()) {
      access.count('bypass');
      return undefined;
    }
    try {
      return await read(access);
    } catch (err) {
      if (!access.isUnreachable(err)) throw err;
      access.count('bypass');
      return undefined;
    }
  }

  /**
   * Profile `id`'s gold document from the tier when it is current and `holds` what was
   * asked for; otherwise the store's answer (`load`), assembled into a gold document and
   * filled under the token read before any of it. `moved`: the store led elsewhere.
   */
  private async hotProfile(
    access: HotTierAccess,
    id: string,
    load: () => Promise<ProfileDoc | null>,
    check: { holds: (gold: GoldProfile) => boolean; moved?: (to: string) => Promise<void> },
  ): Promise<ProfileDoc | null> {
    const { token, gold } = await access.tier.read(id);
    if (gold !== null && gold.profile.mergedInto === null && check.holds(gold)) {
      access.count('hit');
      this.golds.set(gold.profile, gold);
      return gold.profile;
    }
    access.count('miss');
    // Whatever this operation read before the token is not what may be filled under it.
    this.profiles.clearAll();
    this.pointers.clearAll();
    this.identities.clearAll();
    const profile = await load();
    if (profile === null) return null;
    if (profile._id !== id) {
      await check.moved?.(profile._id);
      return profile;
    }
    const assembled = await this.assemble(access, profile);
    this.golds.set(profile, assembled);
    await access.tier.fill(id, token, assembled);
    return profile;
  }

  private async assemble(access: HotTierAccess, profile: ProfileDoc): Promise<GoldProfile> {
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
