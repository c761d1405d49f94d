import type { Logger } from 'pino';
import { IdentityGraph } from '../identity/identityGraph';
import type { SegmentMembership } from '../segments/segmentMembership';
import type { AppendLog } from '../store/appendLog';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { EventDoc } from '../store/models';
import type { GoldDocuments } from './goldDocuments';

const RETRY_MS = 1_000;

/**
 * Fences profiles in every place gold documents are kept, after the store writes that
 * change them: the stored documents first, then the hot tier. The order matters: a
 * reader that misses the hot tier fills it from a stored document, so the hot tier must
 * not be fenced while the stored document is still the old one.
 *
 * A fence that fails does not fail the write (it is stored): it is kept and retried
 * until it lands, and until then this process reads no gold document (neither layer),
 * since what it wrote is not fenced there yet. Another replica could serve such a
 * document meanwhile, until the fence lands or the TTL ends it: the one window the
 * guarantee has, open only while a layer cannot be reached (or, for Redis, answers
 * slower than its command timeout).
 */
export class GoldFences {
  /** Profiles whose fence has not landed, with the number of the failure that left it. */
  private readonly pending = new Map<string, number>();
  private failures = 0;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    /** Durable first: see above. */
    private readonly layers: GoldDocuments[],
    private readonly logger: Logger,
  ) {}

  /** Whether this process may serve gold documents: none of its own fences is outstanding. */
  trusted(): boolean {
    return this.pending.size === 0;
  }

  async fence(profileIds: string[]): Promise<void> {
    if (profileIds.length === 0) return;
    try {
      await this.fenceNow(profileIds);
    } catch (err) {
      const failure = ++this.failures;
      for (const id of profileIds) this.pending.set(id, failure);
      this.logger.warn(
        { err, profiles: profileIds.length },
        'gold documents could not be fenced: kept for retry, reads go to the store meanwhile',
      );
      this.scheduleRetry();
    }
  }

  /**
   * Fences every layer and fails if one cannot be fenced, with no retry kept: for a
   * caller that must know (an erasure, which its sweep repeats).
   */
  async fenceNow(profileIds: string[]): Promise<void> {
    for (const layer of this.layers) await layer.fence(profileIds);
  }

  close(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }

  private scheduleRetry(): void {
    if (this.retry !== null) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      const attempt = [...this.pending];
      this.fenceNow(attempt.map(([id]) => id)).then(
        () => {
          // A profile that failed again meanwhile (a later write) stays pending.
          for (const [id, failure] of attempt)
            if (this.pending.get(id) === failure) this.pending.delete(id);
          if (this.pending.size > 0) this.scheduleRetry();
          else this.logger.info('gold document fences landed: reads use them again');
        },
        () => this.scheduleRetry(),
      );
    }, RETRY_MS);
    this.retry.unref();
  }
}

/**
 * The identity graph's store, fencing each profile whose gold document a write changes:
 * its view (written or created), its merge pointer (inserted, moved, removed) and its
 * events (the cluster the event log's profile belongs to now). Each fence follows its
 * write and is awaited, so it lands before the write is acknowledged (or, when a layer
 * cannot be reached, is kept for retry: see GoldFences).
 */
export function fencedIdentityGraphStore(
  store: IdentityGraphStore,
  fences: GoldFences,
): IdentityGraphStore {
  const overrides: Partial<IdentityGraphStore> = {
    async insertProfiles(docs) {
      const { conflicts } = await store.insertProfiles(docs);
      const taken = new Set(conflicts);
      await fences.fence(docs.filter((d) => !taken.has(d._id)).map((d) => d._id));
      return { conflicts };
    },
    async replaceProfile(doc) {
      await store.replaceProfile(doc);
      await fences.fence([doc._id]);
    },
    async insertMergePointer(doc) {
      const inserted = await store.insertMergePointer(doc);
      if (inserted) await fences.fence([doc._id, doc.into]);
      return inserted;
    },
    async replaceMergePointer(doc) {
      await store.replaceMergePointer(doc);
      await fences.fence([doc._id, doc.into]);
    },
    async deleteMergePointer(profileId) {
      await store.deleteMergePointer(profileId);
      await fences.fence([profileId]);
    },
    eventLog: fencedEventLog(store, fences),
  };
  return delegate(store, overrides);
}

/**
 * The event log, fencing after each append the profiles whose logs grew and the roots
 * they lead to now: the gold document holding an event is its cluster root's, and the
 * root is looked up after the append, so a merge racing it either happened before (its
 * survivor is fenced here) or reads this event when it rebuilds.
 */
function fencedEventLog(store: IdentityGraphStore, fences: GoldFences): AppendLog<EventDoc> {
  const log = store.eventLog;
  // Only its pointer look-ups are used: the graph over the unwrapped store, no listener.
  const graph = new IdentityGraph(store);
  const fenceClusters = async (profileIds: string[]) =>
    fences.fence([...profileIds, ...(await graph.rootsOf(profileIds)).values()]);
  return delegate(log, {
    async append(name, data, knownLength, at) {
      const seq = await log.append(name, data, knownLength, at);
      await fenceClusters([data.profileId]);
      return seq;
    },
    async appendMany(items, at) {
      const lengths = await log.appendMany(items, at);
      await fenceClusters([...new Set(items.map((i) => i.data.profileId))]);
      return lengths;
    },
  });
}

/** Segment subjects (computed traits, memberships), fencing the profile after each write. */
export function fencedSegmentMembership(
  membership: SegmentMembership,
  fences: GoldFences,
): SegmentMembership {
  return delegate(membership, {
    async putSubject(profileId, subject) {
      await membership.putSubject(profileId, subject);
      await fences.fence([profileId]);
    },
    async deleteSubject(profileId) {
      await membership.deleteSubject(profileId);
      await fences.fence([profileId]);
    },
  });
}

/** `target` with some members replaced; every other member is the target's own, bound to it. */
function delegate<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(t, prop) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof T];
      const value: unknown = Reflect.get(t, prop, t);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
    },
  });
}
