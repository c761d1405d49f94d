import { LRUCache } from 'lru-cache';
import type { IdentityDoc } from '../store/models';

/**
 * What ingestion remembers between batches, in this process. Only facts that never stop
 * being true are kept, so no entry is ever invalidated: an identity document is never
 * changed once claimed (it names the profile it was first claimed for), a merge pointer
 * never changes once written (a profile is merged away once), a profile's view once
 * written is never deleted. (Event-log lengths are remembered by the log itself.)
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
