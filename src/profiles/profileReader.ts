import DataLoader from 'dataloader';
import { badInput } from '../errors';
import type { IdentifierPolicy } from '../identity/identifierPolicy';
import { identityKey, type IdentifierKind } from '../identity/kinds';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { EventDoc, IdentityDoc, MergeLogDoc, ProfileDoc } from '../store/models';

/** Longest merge chain followed on read before the data is declared corrupt. */
const MAX_HOPS = 64;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface ProfilePage {
  edges: { cursor: string; node: ProfileDoc }[];
  hasNextPage: boolean;
  endCursor: string | null;
}

/**
 * Read side of profiles, one instance per request: its DataLoaders batch and cache the
 * profile and identity look-ups of one GraphQL operation (never across requests, so
 * a request never sees another request's stale data).
 */
export class ProfileReader {
  private readonly profiles: DataLoader<string, ProfileDoc | null>;
  private readonly identities: DataLoader<string, IdentityDoc | null>;

  constructor(
    private readonly store: IdentityGraphStore,
    private readonly policy: IdentifierPolicy,
  ) {
    this.profiles = new DataLoader(async (ids) => {
      const docs = await store.findProfiles([...ids]);
      const byId = new Map(docs.map((d) => [d._id, d]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    this.identities = new DataLoader(async (keys) => {
      const docs = await store.findIdentities([...keys]);
      const byId = new Map(docs.map((d) => [d._id, d]));
      return keys.map((k) => byId.get(k) ?? null);
    });
  }

  /** The live profile for `id`, following merges: reading a merged-away id gives the survivor. */
  async byId(id: string): Promise<ProfileDoc | null> {
    let doc = await this.profiles.load(id);
    for (let hop = 0; doc !== null && doc.mergedInto !== null; hop++) {
      if (hop > MAX_HOPS) throw new Error(`Merge chain longer than ${MAX_HOPS} from profile ${id}`);
      doc = await this.profiles.load(doc.mergedInto);
    }
    return doc;
  }

  /** Looks a profile up by any identifier, normalising the value as on write. */
  async byIdentifier(kind: IdentifierKind, value: string): Promise<ProfileDoc | null> {
    const identifier = this.policy.normalise(kind, value, 'value');
    const identity = await this.identities.load(identityKey(identifier));
    return identity === null ? null : this.byId(identity.profileId);
  }

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
    const nodes = docs.slice(0, size);
    for (const node of nodes) this.profiles.prime(node._id, node);
    const edges = nodes.map((node) => ({ cursor: encodeCursor(node._id), node }));
    return { edges, hasNextPage: docs.length > size, endCursor: edges.at(-1)?.cursor ?? null };
  }

  recentEvents(profile: ProfileDoc, limit: number): Promise<EventDoc[]> {
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_SIZE) {
      throw badInput('first', `must be between 0 and ${MAX_PAGE_SIZE}, got ${limit}`);
    }
    return this.store.recentEvents([profile._id, ...profile.mergedFrom], limit);
  }

  mergeLog(profile: ProfileDoc): Promise<MergeLogDoc[]> {
    return this.store.mergeLogFor([profile._id, ...profile.mergedFrom]);
  }
}

/** Cursors are opaque to clients; base64url keeps them URL-safe for GET requests. */
export function encodeCursor(profileId: string): string {
  return Buffer.from(`profile:${profileId}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith('profile:') || decoded.length <= 'profile:'.length) {
    throw badInput('after', `"${cursor.slice(0, 64)}" is not a cursor returned by this API`);
  }
  return decoded.slice('profile:'.length);
}
