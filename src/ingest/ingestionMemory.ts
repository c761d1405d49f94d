import { LRUCache } from 'lru-cache';
import type { IdentityDoc } from '../store/models';

/**
 * What ingestion remembers between batches, in this process. Only facts that never stop
 * being true are kept: an identity document is never changed once claimed (it names the
 * profile it was first claimed for), a profile's view once written is never deleted, and
 * a merge pointer never changes once written, except by an operator's unmerge, which is
 * announced to every process (`forgetMerges`). A person's erasure removes all three, and
 * is announced too (`forgetProfiles`). (Event-log lengths are remembered by the log itself.)
 */
export class IngestionMemory {
  private readonly owners: LRUCache<string, IdentityDoc>;
  private readonly views: LRUCache<string, true>;
  private readonly mergedInto: LRUCache<string, string>;

  constructor(maxEntries = 200_000) {
    this.owners = new LRUCache({ max: maxEntries });
    this.views = new LRUCache({ max: maxEntries });
    this.mergedInto = new LRUCache({ max: maxEntries });
  }

  /** The profile `profileId` was merged into, when known to be merged. */
  parentOf(profileId: string): string | undefined {
    return this.mergedInto.get(profileId);
  }

  rememberMerge(profileId: string, into: string): void {
    this.mergedInto.set(profileId, into);
  }

  /** An unmerge changed these profiles' pointers (the one exception to "never changes"). */
  forgetMerges(profileIds: string[]): void {
    for (const id of profileIds) this.mergedInto.delete(id);
  }

  /**
   * The profiles were erased: forget their identities (keyed by the person's identifier
   * values), their views and every merge that leads to or from them.
   */
  forgetProfiles(profileIds: string[]): void {
    const erased = new Set(profileIds);
    for (const [key, doc] of this.owners.entries())
      if (erased.has(doc.profileId)) this.owners.delete(key);
    for (const id of profileIds) this.views.delete(id);
    for (const [child, parent] of this.mergedInto.entries())
      if (erased.has(child) || erased.has(parent)) this.mergedInto.delete(child);
  }

  owner(key: string): IdentityDoc | undefined {
    return this.owners.get(key);
  }

  rememberOwner(doc: IdentityDoc): void {
    this.owners.set(doc._id, doc);
  }

  hasView(profileId: string): boolean {
    return this.views.has(profileId);
  }

  rememberView(profileId: string): void {
    this.views.set(profileId, true);
  }
}
