import { ulid } from 'ulid';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { Identifier } from './kinds';
import type { MergeReason, ProfileDoc } from '../store/models';
import { buildProfileView, type ClusterSnapshot, snapshotFingerprint } from './profileView';

/** A chain of merge pointers longer than this means corrupted data, not a real cluster. */
const MAX_CHAIN = 64;
/** Rebuild attempts before giving up; each retry means another writer changed the cluster. */
const MAX_REBUILDS = 50;

export interface MergeRequest {
  a: string;
  b: string;
  reason: MergeReason;
  linkedBy: Identifier | null;
  recordId: string | null;
  explanation: string;
}

export type ProfileChangedListener = (view: ProfileDoc, affectedIds: string[]) => void;

/**
 * The profile cluster graph: which profile was merged into which, and the merged view of
 * each live profile.
 *
 * Correctness without transactions rests on three rules:
 * 1. Merges only ever point from a younger profile to an older one (ids are ULIDs, so
 *    "older" is "smaller id"), and a profile can be merged away only once (the merge
 *    pointer's `_id` is unique). So pointers form a forest, every cluster has exactly one
 *    root, and concurrent merges of overlapping clusters converge on the oldest profile.
 * 2. Identities and records are never moved: they keep the profile they were first
 *    claimed for, and belong to whatever cluster that profile is in. A writer that still
 *    believes a merged-away profile is live therefore cannot lose anything.
 * 3. The merged view is a pure function of a snapshot of the cluster. Every writer that
 *    changes a cluster rebuilds its view afterwards and re-reads the snapshot after
 *    writing; if the snapshot moved on meanwhile it rebuilds again. The last write to a
 *    view is therefore always built from the latest state.
 */
export class IdentityGraph {
  constructor(
    private readonly store: IdentityGraphStore,
    private readonly now: () => Date = () => new Date(),
    private readonly onProfileChanged: ProfileChangedListener = () => {},
  ) {}

  newProfileId(): string {
    return ulid(this.now().getTime());
  }

  /** Follows merge pointers to each id's live root. */
  async rootsOf(ids: string[]): Promise<Map<string, string>> {
    const roots = new Map<string, string>();
    const current = new Map(ids.map((id) => [id, id]));
    for (let hop = 0; current.size > 0; hop++) {
      if (hop > MAX_CHAIN)
        throw new Error(
          `Merge chain longer than ${MAX_CHAIN} from ${[...current.keys()].join(', ')}`,
        );
      const pointers = await this.store.findMergePointers([...new Set(current.values())]);
      const next = new Map(pointers.map((p) => [p._id, p.into]));
      for (const [origin, at] of current) {
        const into = next.get(at);
        if (into === undefined) {
          roots.set(origin, at);
          current.delete(origin);
        } else {
          current.set(origin, into);
        }
      }
    }
    return roots;
  }

  async rootOf(id: string): Promise<string> {
    return (await this.rootsOf([id])).get(id) ?? id;
  }

  /** `root` and every profile merged into it, transitively; sorted. */
  async membersOf(root: string): Promise<string[]> {
    return (await this.membersOfMany([root])).get(root) ?? [root];
  }

  async membersOfMany(roots: string[]): Promise<Map<string, string[]>> {
    const members = new Map(roots.map((r) => [r, [r]]));
    const rootOfMember = new Map(roots.map((r) => [r, r]));
    let frontier = [...roots];
    for (let depth = 0; frontier.length > 0; depth++) {
      if (depth > MAX_CHAIN)
        throw new Error(`Merge tree deeper than ${MAX_CHAIN} under ${roots.join(', ')}`);
      const children = await this.store.mergePointersInto(frontier);
      frontier = [];
      for (const child of children) {
        const root = rootOfMember.get(child.into);
        if (root === undefined || rootOfMember.has(child._id)) continue;
        rootOfMember.set(child._id, root);
        members.get(root)!.push(child._id);
        frontier.push(child._id);
      }
    }
    for (const list of members.values()) list.sort();
    return members;
  }

  /**
   * Merges the clusters of `a` and `b`; the older root survives. Safe to race: if another
   * writer merges either side first, we follow the pointers and merge what is left.
   * Returns the surviving root and the profile this call merged away (null when the two
   * were already one cluster). The caller must rebuild both views.
   */
  async merge(req: MergeRequest): Promise<{ root: string; mergedId: string | null }> {
    for (let attempt = 0; attempt < MAX_REBUILDS; attempt++) {
      const roots = await this.rootsOf([req.a, req.b]);
      const ra = roots.get(req.a)!;
      const rb = roots.get(req.b)!;
      if (ra === rb) return { root: ra, mergedId: null };
      const [survivorId, mergedId] = ra < rb ? [ra, rb] : [rb, ra];
      const at = this.now();
      if (await this.store.insertMergePointer({ _id: mergedId, into: survivorId, at })) {
        await this.store.appendMergeLog({
          _id: ulid(at.getTime()),
          survivorId,
          mergedId,
          reason: req.reason,
          linkedBy: req.linkedBy,
          recordId: req.recordId,
          explanation: req.explanation,
          at,
        });
        return { root: survivorId, mergedId };
      }
    }
    throw new Error(`Could not merge ${req.a} and ${req.b}: too much contention`);
  }

  async snapshot(profileId: string): Promise<ClusterSnapshot> {
    const [pointers, members] = await Promise.all([
      this.store.findMergePointers([profileId]),
      this.membersOf(profileId),
    ]);
    if (pointers.length > 0) {
      return {
        profileId,
        mergedInto: await this.rootOf(profileId),
        members: [profileId],
        identities: [],
        records: [],
      };
    }
    const [identities, records] = await Promise.all([
      this.store.identitiesOfProfiles(members),
      this.store.recordsOfProfiles(members),
    ]);
    return { profileId, mergedInto: null, members, identities, records };
  }

  /**
   * Rebuilds the merged views of `profileIds`: merged-away ones become tombstones that
   * point at their root, and the live root they lead to is rebuilt. Returns the view of
   * the live root reached from the first id.
   */
  async materialise(profileIds: string[]): Promise<ProfileDoc> {
    const pending = [...new Set(profileIds)];
    const seen = new Set<string>();
    const live = new Map<string, ProfileDoc>();
    let changed = false;
    while (pending.length > 0) {
      const id = pending.shift()!;
      if (seen.has(id)) continue;
      if (seen.size > MAX_CHAIN * Math.max(1, profileIds.length))
        throw new Error(`Merge chains too long from ${profileIds.join(', ')}`);
      seen.add(id);
      const { view, written } = await this.rebuild(id);
      changed ||= written;
      if (view.mergedInto === null) live.set(id, view);
      else pending.push(view.mergedInto);
    }
    const first = await this.rootOf(profileIds[0]!);
    const view = live.get(first) ?? (await this.rebuild(first)).view;
    if (changed) this.onProfileChanged(view, [...new Set([...seen, ...view.mergedFrom])]);
    return view;
  }

  private async rebuild(id: string): Promise<{ view: ProfileDoc; written: boolean }> {
    let written = false;
    for (let attempt = 0; attempt < MAX_REBUILDS; attempt++) {
      const [snap, current] = await Promise.all([this.snapshot(id), this.store.findProfile(id)]);
      const fingerprint = snapshotFingerprint(snap);
      let view = current;
      if (view === null || view.fingerprint !== fingerprint) {
        view = buildProfileView(snap, this.now());
        await this.store.replaceProfile(view);
        written = true;
      }
      // Verify after writing: if the cluster changed while we built, a concurrent writer
      // may have written a newer view before our older one landed; build again.
      if (snapshotFingerprint(await this.snapshot(id)) === fingerprint) return { view, written };
    }
    throw new Error(`Could not rebuild profile ${id}: too much contention`);
  }
}
