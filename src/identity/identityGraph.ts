import { newId } from '../ids';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type {
  MatchEvidence,
  MergePointerDoc,
  MergeReason,
  ProfileDoc,
  ProfileLogEntry,
  RawRecordDoc,
  SourceName,
} from '../store/models';
import type { Identifier } from './kinds';
import {
  addIdentifiers,
  applyRecord,
  countContribution,
  emptyView,
  tombstone,
} from './profileView';

/** A chain of merge pointers longer than this means corrupted data, not a real cluster. */
const MAX_CHAIN = 1024;
/** Rebuild attempts before giving up; each retry means another writer changed the cluster. */
const MAX_ATTEMPTS = 50;

export const profileLogName = (profileId: string): string => `profile:${profileId}`;

export interface MergeRequest {
  a: string;
  b: string;
  reason: MergeReason;
  linkedBy: Identifier | null;
  recordId: string | null;
  explanation: string;
  match?: MatchEvidence;
  /**
   * The roots of `a` and `b` as the caller just read them: the first attempt starts from
   * them instead of reading them again. Stale roots cost nothing but a retry: the pointer
   * insert fails if the merged-away side was merged meanwhile.
   */
  roots?: { a: string; b: string };
  /**
   * Views the caller just read: on the first attempt, the survivor's says how far its log
   * reached (a lower bound: logs only grow), where its intent is appended without first
   * looking up the log's end. A stale length costs a taken slot and the next one tried.
   */
  views?: Map<string, ProfileDoc>;
}

/** What the rest of a process learns of the graph's changes, as they are made here. */
export interface IdentityGraphListener {
  /** A profile's view changed; `affectedIds`: every profile the change touched. */
  profileChanged?(view: ProfileDoc, affectedIds: string[]): void;
  /** This process merged one profile into another, for `reason`. */
  merged?(reason: MergeReason): void;
}

/**
 * What a caller that just merged already knows, handed to `materialise` so the first
 * rebuild of each view skips the reads that would tell it again: the pointer it inserted
 * (the merged-away side becomes a tombstone without being read), and views it read just
 * before (a fold continues from them). Only the first attempt trusts them: the check
 * after writing (rule 4) reads the store as usual, and any retry starts from the store.
 */
export interface KnownState {
  pointers?: MergePointerDoc[];
  views?: Map<string, ProfileDoc>;
  /** Log entries the caller just appended (a merge's intent): folded without reading them back. */
  appended?: AppendedEntry[];
  /** Record versions the caller just stored (immutable: keyed by content hash). */
  records?: RawRecordDoc[];
}

/** An entry as appended: the slot it took in the profile's log, and its stamp. */
export interface AppendedEntry {
  profileId: string;
  seq: number;
  entry: ProfileLogEntry;
  at: Date;
}

/** A new profile's one contribution, as its first view is built from it (see `createView`). */
export interface FirstContribution {
  keys: string[];
  source: SourceName;
  at: Date;
  recordHash: string | null;
  record: RawRecordDoc | null;
}

/**
 * The profile cluster graph: which profile was merged into which, and the merged view of
 * each live profile.
 *
 * Correctness without transactions rests on four rules:
 * 1. Merges only ever point from a younger profile to an older one (ids are ULIDs, so
 *    "older" is "smaller id"), and a profile can be merged away only once (the merge
 *    pointer's `_id` is unique). Pointers form a forest, every cluster has one root, and
 *    concurrent merges of overlapping clusters converge on the oldest profile.
 * 2. Nothing is ever moved: identities, records and events keep the profile they first
 *    joined, and belong to whatever cluster that profile is in. A writer that still
 *    believes a merged-away profile is live therefore cannot lose anything.
 * 3. Every change to a cluster is an entry appended to a member's log (a merge is first
 *    an intent in the survivor's log, then its pointer). A view records how far into
 *    each member's log it has folded, so it can be continued by anyone, and checked:
 *    a view is current iff no member's log has an entry past that point, the profile has
 *    no pointer, and no pending merge intent has been committed since.
 * 4. Every writer that changes a cluster rebuilds the view afterwards and checks it is
 *    current after writing it; if not, it folds again. So the last view written is never
 *    older than the last change.
 */
export class IdentityGraph {
  constructor(
    private readonly store: IdentityGraphStore,
    private readonly now: () => Date = () => new Date(),
    private readonly listener: IdentityGraphListener = {},
  ) {}

  newProfileId(): string {
    return newId(this.now().getTime());
  }

  appendToLog(
    profileId: string,
    entry: ProfileLogEntry,
    knownLength?: number,
    at?: Date,
  ): Promise<number> {
    return this.store.profileLog.append(profileLogName(profileId), entry, knownLength, at);
  }

  /**
   * Begins the logs of new profiles, one entry each, in one write. Returns the profiles
   * whose entry is known to have taken slot 0 (the others' logs were written to by a
   * concurrent writer first: their views must be folded, not created).
   */
  async beginLogs(items: { profileId: string; entry: ProfileLogEntry }[], at: Date) {
    if (items.length === 0) return new Set<string>();
    const log = this.store.profileLog;
    for (const { profileId } of items) log.noteLength(profileLogName(profileId), 0);
    const lengths = await log.appendMany(
      items.map(({ profileId, entry }) => ({ log: profileLogName(profileId), data: entry })),
      at,
    );
    return new Set(
      items.filter((i) => lengths.get(profileLogName(i.profileId)) === 1).map((i) => i.profileId),
    );
  }

  /**
   * Writes the first view of a new profile whose log holds exactly one contribution
   * (slot 0, appended at `at`): the same document a fold of that log produces. Insert
   * only: null when a view exists already (a concurrent writer got there; rebuild).
   * A contribution carrying a record version needs that version as stored (`record`, when
   * this writer stored it); without it the fold reads it.
   */
  async createView(profileId: string, first: FirstContribution): Promise<ProfileDoc | null> {
    return (await this.createViews([{ profileId, first }]))[0]!;
  }

  /** `createView` for many new profiles, with one insert and one pointer look-up for all. */
  async createViews(
    items: { profileId: string; first: FirstContribution }[],
  ): Promise<(ProfileDoc | null)[]> {
    const now = this.now();
    const views = items.map(({ profileId, first }) => {
      if (first.recordHash !== null && first.record?.hash !== first.recordHash) return null;
      const view = emptyView(profileId, now);
      addIdentifiers(view, first.keys);
      countContribution(view, first.source, first.at);
      if (first.recordHash !== null && first.record !== null) applyRecord(view, first.record);
      view.build.logLengths[profileId] = 1;
      view.updatedAt = now;
      return view;
    });
    const written = views.filter((v): v is ProfileDoc => v !== null);
    if (written.length === 0) return views;
    const { conflicts } = await this.store.insertProfiles(written);
    const taken = new Set(conflicts);
    const inserted = written.filter((v) => !taken.has(v._id));
    // Checked after writing, like every view (rule 4): a writer that found identifiers
    // this profile had claimed may have merged it away before its log entry existed, and
    // folded the survivor without it; the general rebuild then folds it in.
    const pointers = await this.store.getMergePointers(inserted.map((v) => v._id));
    return views.map((view) => {
      if (view === null || taken.has(view._id) || pointers.has(view._id)) return null;
      this.listener.profileChanged?.(view, [view._id]);
      return view;
    });
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
      const pointers = await this.store.getMergePointers([...new Set(current.values())]);
      for (const [origin, at] of current) {
        const pointer = pointers.get(at);
        if (pointer === undefined) {
          roots.set(origin, at);
          current.delete(origin);
        } else {
          current.set(origin, pointer.into);
        }
      }
    }
    return roots;
  }

  async rootOf(id: string): Promise<string> {
    return (await this.rootsOf([id])).get(id) ?? id;
  }

  /**
   * Merges the clusters of `a` and `b`; the older root survives. Safe to race: if another
   * writer merges either side first, we follow the pointers and merge what is left.
   * Returns the surviving root and the profile this call merged away (null when the two
   * were already one cluster). The caller must rebuild both views.
   */
  async merge(req: MergeRequest): Promise<{
    root: string;
    mergedId: string | null;
    pointer: MergePointerDoc | null;
    /** The merge intent this call appended to the survivor's log (null when nothing merged). */
    intent: AppendedEntry | null;
  }> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const known = attempt === 0 ? req.roots : undefined;
      const roots = known ? null : await this.rootsOf([req.a, req.b]);
      const ra = known?.a ?? roots!.get(req.a)!;
      const rb = known?.b ?? roots!.get(req.b)!;
      if (ra === rb) return { root: ra, mergedId: null, pointer: null, intent: null };
      const [survivorId, mergedId] = ra < rb ? [ra, rb] : [rb, ra];
      // Intent first, pointer second: a view that sees the intent checks the pointer, so a
      // crash between the two leaves nothing half-merged.
      const survivorView = known ? req.views?.get(survivorId) : undefined;
      const entry: ProfileLogEntry = { kind: 'merge', childId: mergedId };
      const at = this.now();
      const seq = await this.appendToLog(
        survivorId,
        entry,
        survivorView?.mergedInto === null ? survivorView.build.logLengths[survivorId] : undefined,
        at,
      );
      const pointer: MergePointerDoc = {
        _id: mergedId,
        into: survivorId,
        reason: req.reason,
        linkedBy: req.linkedBy,
        recordId: req.recordId,
        explanation: req.explanation,
        ...(req.match ? { match: req.match } : {}),
        at: this.now(),
      };
      if (await this.store.insertMergePointer(pointer)) {
        this.listener.merged?.(req.reason);
        return {
          root: survivorId,
          mergedId,
          pointer,
          intent: { profileId: survivorId, seq, entry, at },
        };
      }
    }
    throw new Error(`Could not merge ${req.a} and ${req.b}: too much contention`);
  }

  /**
   * Rebuilds the views of `profileIds`: merged-away ones become tombstones pointing at
   * their parent, and the live roots they lead to are brought up to date. Returns the
   * view of the live root reached from the first id.
   */
  async materialise(profileIds: string[], known: KnownState = {}): Promise<ProfileDoc> {
    const pending = [...new Set(profileIds)];
    const seen = new Set<string>();
    const live = new Map<string, ProfileDoc>();
    let changed = false;
    // In waves: the views of distinct profiles are independent documents, so each wave is
    // rebuilt at once, and the next wave is the parents the tombstones among them lead to.
    while (pending.length > 0) {
      const wave = [...new Set(pending.splice(0))].filter((id) => !seen.has(id));
      for (const id of wave) seen.add(id);
      if (seen.size > MAX_CHAIN * profileIds.length)
        throw new Error(`Merge chains too long from ${profileIds.join(', ')}`);
      const rebuilt = await Promise.all(wave.map((id) => this.rebuild(id, known)));
      rebuilt.forEach(({ view, written }, i) => {
        changed ||= written;
        if (view.mergedInto === null) live.set(wave[i]!, view);
        else pending.push(view.mergedInto);
      });
    }
    const first = live.has(profileIds[0]!) ? profileIds[0]! : await this.rootOf(profileIds[0]!);
    const view = live.get(first) ?? (await this.rebuild(first)).view;
    if (changed) this.listener.profileChanged?.(view, [...new Set([...seen, ...view.mergedFrom])]);
    return view;
  }

  private async rebuild(
    id: string,
    known: KnownState = {},
  ): Promise<{ view: ProfileDoc; written: boolean }> {
    let written = false;
    const knownPointer = known.pointers?.find((p) => p._id === id);
    const knownView = known.views?.get(id);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // The pointer the caller just inserted says what the view is: a tombstone, written
      // without reading the old view (writing the same one twice is harmless). A live view
      // read just before the caller's change is a snapshot the fold continues from, so
      // only the pointer is read: a profile merged away meanwhile becomes its tombstone,
      // never the snapshot written back over one. (A conditional replace would save that
      // read, but FerretDB serves only `{_id}` filters from an index: any other condition
      // scans the whole collection.)
      const fromKnown = attempt === 0 && knownView !== undefined && knownView.mergedInto === null;
      const [views, pointers] =
        attempt === 0 && knownPointer
          ? [new Map<string, ProfileDoc>(), new Map([[id, knownPointer]])]
          : fromKnown
            ? [new Map([[id, knownView]]), await this.store.getMergePointers([id])]
            : await Promise.all([this.store.getProfiles([id]), this.store.getMergePointers([id])]);
      const { view, changed } = await this.fold(id, views.get(id) ?? null, pointers.get(id), {
        knownPointers: attempt === 0 ? known.pointers : undefined,
        appended: attempt === 0 ? known.appended : undefined,
        records: attempt === 0 ? known.records : undefined,
        // The first attempt reads each log up to the length this process knows and leaves
        // the probe past it to the check after writing, which makes it anyway; a retry
        // (that check found more) reads to the real end, however far it moved.
        toKnownEnd: attempt === 0,
      });
      if (changed) {
        await this.store.replaceProfile(view);
        written = true;
      }
      // Checked after writing (rule 4): a concurrent writer may have written a newer view
      // that ours just replaced; if anything moved past what we folded, fold again. A
      // tombstone is current while its pointer still points where it says: an unmerge may
      // have removed or moved it, and rebuilt this profile before our write landed.
      if (
        view.mergedInto !== null
          ? !written || (await this.stillPoints(view))
          : await this.isCurrent(view)
      )
        return { view, written };
    }
    throw new Error(`Could not rebuild profile ${id}: too much contention`);
  }

  /** Continues `current` (or starts afresh) with every log entry it has not folded yet. */
  private async fold(
    id: string,
    current: ProfileDoc | null,
    pointer: MergePointerDoc | undefined,
    options: {
      knownPointers?: MergePointerDoc[] | undefined;
      appended?: AppendedEntry[] | undefined;
      records?: RawRecordDoc[] | undefined;
      toKnownEnd: boolean;
    },
  ): Promise<{ view: ProfileDoc; changed: boolean }> {
    const { knownPointers = [], appended = [], records: knownRecords = [], toKnownEnd } = options;
    const now = this.now();
    if (pointer) {
      if (current?.mergedInto === pointer.into) return { view: current, changed: false };
      return { view: tombstone(id, pointer.into, now), changed: true };
    }

    const fresh = current === null || current.mergedInto !== null;
    const view = fresh ? emptyView(id, now) : structuredClone(current);
    let changed = fresh;
    const { logLengths } = view.build;
    // Record versions (`<recordId>#<hash>`) logged since the last fold.
    const versions = new Set<string>();
    let toRead = Object.keys(logLengths);
    let candidates: Record<string, string> = { ...view.build.pendingChildren };

    // Each round reads the logs of members not yet read to their end, then admits the
    // children their merge intents name, whose logs the next round reads.
    while (toRead.length > 0 || Object.keys(candidates).length > 0) {
      const logs = await this.readLogs(toRead, logLengths, appended, toKnownEnd);
      const folded = foldEntries(view, toRead, logs, versions, candidates);
      changed ||= folded.changed;
      // Members may have left: only a fold from nothing knows who is still in the cluster.
      if (folded.split && !fresh) return this.fold(id, null, pointer, { toKnownEnd });
      const admitted = await this.admitMergedChildren(view, candidates, knownPointers);
      changed ||= admitted.changed;
      toRead = admitted.toRead;
      candidates = {};
    }

    await this.applyRecordVersions(view, versions, knownRecords);
    view.mergedFrom = Object.keys(logLengths)
      .filter((m) => m !== id)
      .sort();
    if (changed) view.updatedAt = now;
    return { view, changed };
  }

  /** Each member's log from where the view's fold of it ended, all at once. */
  private readLogs(
    members: string[],
    logLengths: Record<string, number>,
    appended: AppendedEntry[],
    toKnownEnd: boolean,
  ): Promise<LogRead[]> {
    const log = this.store.profileLog;
    return Promise.all(
      members.map(async (m) => {
        const name = profileLogName(m);
        const from = logLengths[m] ?? 0;
        if (!toKnownEnd) return log.readFrom(name, from);
        // The caller's own entries, when they are all this process knows of past `from`:
        // what `readKnown` would read, without reading them back.
        const own = ownEntries(appended, m, from, log.knownLength(name));
        return own ?? log.readKnown(name, from);
      }),
    );
  }

  /**
   * A merge intent counts once its pointer exists and points into this cluster. The
   * same child can have intents in several logs (a merge attempt that lost its race
   * leaves one behind), so membership is decided by the pointer, not by the log. Children
   * without a pointer yet stay pending; the ones admitted are returned, to be read next.
   */
  private async admitMergedChildren(
    view: ProfileDoc,
    candidates: Record<string, string>,
    knownPointers: MergePointerDoc[],
  ): Promise<{ toRead: string[]; changed: boolean }> {
    const { logLengths, pendingChildren } = view.build;
    const pointers = await this.pointersOf(Object.keys(candidates), knownPointers);
    const toRead: string[] = [];
    let changed = false;
    for (const [child, parent] of Object.entries(candidates)) {
      const p = pointers.get(child);
      if (p === undefined) {
        pendingChildren[child] = parent;
        continue;
      }
      if (child in pendingChildren) changed = true;
      delete pendingChildren[child];
      if (p.into in logLengths && !(child in logLengths)) {
        logLengths[child] = 0;
        toRead.push(child);
        changed = true;
      }
    }
    return { toRead, changed };
  }

  /**
   * Applies the record versions the fold met, oldest first by id (`<recordId>#<hash>`),
   * reading only those the caller did not just store.
   */
  private async applyRecordVersions(
    view: ProfileDoc,
    versions: Set<string>,
    knownRecords: RawRecordDoc[],
  ): Promise<void> {
    const records = new Map(
      knownRecords.filter((r) => versions.has(r._id)).map((r) => [r._id, r] as const),
    );
    const unread = [...versions].filter((v) => !records.has(v));
    if (unread.length > 0)
      for (const [v, r] of await this.store.getRawRecords(unread)) records.set(v, r);
    for (const id of [...versions].sort()) {
      const record = records.get(id);
      if (record) applyRecord(view, record);
    }
  }

  /** Whether a tombstone's pointer still exists and points where the tombstone says. */
  private async stillPoints(view: ProfileDoc): Promise<boolean> {
    const pointer = (await this.store.getMergePointers([view._id])).get(view._id);
    return pointer?.into === view.mergedInto;
  }

  /** Merge pointers of `ids`, reading only those the caller does not already hold. */
  private async pointersOf(
    ids: string[],
    known: MergePointerDoc[],
  ): Promise<Map<string, MergePointerDoc>> {
    const held = new Map(known.filter((p) => ids.includes(p._id)).map((p) => [p._id, p]));
    const missing = ids.filter((id) => !held.has(id));
    if (missing.length === 0) return held;
    return new Map([...held, ...(await this.store.getMergePointers(missing))]);
  }

  private async isCurrent(view: ProfileDoc): Promise<boolean> {
    const { logLengths, pendingChildren } = view.build;
    const [pointers, grown] = await Promise.all([
      this.store.getMergePointers([view._id, ...Object.keys(pendingChildren)]),
      Promise.all(
        Object.entries(logLengths).map(([m, length]) =>
          this.store.profileLog.has(profileLogName(m), length),
        ),
      ),
    ]);
    return pointers.size === 0 && !grown.some(Boolean);
  }
}

/** Entries read from one log, and the length it was read to. */
type LogRead = { entries: { seq: number; data: ProfileLogEntry; at: Date }[]; length: number };

/**
 * Folds the entries just read from each member's log into `view` (`logs[i]` is
 * `members[i]`'s), noting the record versions they name in `versions` and each merge
 * intent's child in `candidates` (child → the member whose log holds the intent). Says
 * whether anything was folded, and whether a split was among it.
 */
function foldEntries(
  view: ProfileDoc,
  members: string[],
  logs: LogRead[],
  versions: Set<string>,
  candidates: Record<string, string>,
): { changed: boolean; split: boolean } {
  const { logLengths } = view.build;
  let changed = false;
  let split = false;
  members.forEach((member, i) => {
    const { entries, length } = logs[i]!;
    logLengths[member] = length;
    for (const { data, at } of entries) {
      changed = true;
      switch (data.kind) {
        case 'contribution':
          addIdentifiers(view, data.keys);
          if (data.recordHash !== null) versions.add(`${data.recordId}#${data.recordHash}`);
          countContribution(view, data.source, at);
          break;
        case 'merge':
          candidates[data.childId] = member;
          break;
        case 'split':
          split = true;
          view.unmerges = [...new Set([...(view.unmerges ?? []), data.unmergeId])];
          break;
      }
    }
  });
  return { changed, split };
}

/**
 * `entries` of profile `m`'s log from slot `from` up to `knownEnd`, when every one of those
 * slots is among them; otherwise null (a slot someone else wrote must be read).
 */
function ownEntries(
  entries: AppendedEntry[],
  m: string,
  from: number,
  knownEnd: number | undefined,
): LogRead | null {
  if (knownEnd === undefined || knownEnd <= from) return null;
  const bySeq = new Map(entries.filter((e) => e.profileId === m).map((e) => [e.seq, e]));
  const out: { seq: number; data: ProfileLogEntry; at: Date }[] = [];
  for (let seq = from; seq < knownEnd; seq++) {
    const e = bySeq.get(seq);
    if (e === undefined) return null;
    out.push({ seq, data: e.entry, at: e.at });
  }
  return { entries: out, length: knownEnd };
}
