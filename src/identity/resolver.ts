import type { IdentityGraphStore } from '../store/identityGraphStore';
import type {
  IdentityDoc,
  MergePointerDoc,
  MergeReason,
  ProfileDoc,
  ProfileLogEntry,
  RawRecordDoc,
  SourceName,
} from '../store/models';
import type { AppendedEntry, IdentityGraph, KnownState } from './identityGraph';
import { type Identifier, type IdentifierKind, identityKey } from './kinds';
import {
  type KindSets,
  kindSets,
  type LinkPlan,
  planLinks,
  type SkippedIdentifier,
} from './linkPlan';
import { resolveNewRecords } from './newRecordBatch';
import { claimOf, recordContentOf, recordVersionOf } from './recordDocs';
import { parseIdentityKey } from './profileView';
import { yieldToLive } from '../ingest/lanes';

/** Attempts before giving up on a record; each retry means a concurrent writer claimed one of its identifiers. */
const MAX_ATTEMPTS = 32;
/** An identity younger than this may still be on its way into its profile's log. */
const UNLOGGED_GRACE_MS = 10_000;

export interface TraitRecordInput {
  traits: Record<string, unknown>;
  /** Digest of the payload: an unchanged digest means an unchanged record. */
  hash: string;
  observedAt: Date;
  payload: unknown;
}

export interface RecordToResolve {
  /** Stable id of the record in its source, e.g. `crm:003A1` or `event:<messageId>`. */
  recordId: string;
  source: SourceName;
  /** Normalised, not blocked, deduped and in priority order; at least one. */
  identifiers: Identifier[];
  /** Present for records that carry traits (CRM contacts, identify calls). */
  traitRecord?: TraitRecordInput;
  /** Why this record links profiles: an alias call is an explicit link. */
  reason: Extract<MergeReason, 'SHARED_IDENTIFIER' | 'ALIAS'>;
}

/**
 * Sees every record's traits before they are stored (the one place all trait writes pass:
 * CRM contacts, identify calls, consent statements). Must not reject: a failure of its
 * own must not fail the write.
 */
export interface TraitObserver {
  observe(traits: Record<string, unknown>): Promise<void>;
}

export interface ResolutionResult {
  profileId: string;
  /** True when the record created a new profile. */
  created: boolean;
  /** True when anything about the profile changed (claims, merges, traits). */
  changed: boolean;
  mergedProfileIds: string[];
  skipped: SkippedIdentifier[];
  /** Identities this call claimed (each names the profile it was claimed for). */
  claimed: IdentityDoc[];
  /** For a record with traits: the profile it first joined (where matching indexes it). */
  recordOwner: string | null;
  /**
   * What this resolution wrote: the view it ended with, the log entries it appended and
   * the record version it stored. A caller that goes on to change the same profiles (the
   * matcher, merging on arrival) hands these to the rebuild instead of reading them back.
   */
  known: KnownState;
}

/**
 * Deterministic identity resolution of one record, safe to run concurrently with any
 * number of other resolvers in any number of processes: identifiers are claimed with
 * unique inserts; a lost race means "someone else owns it now", and we plan again.
 */
export class IdentityResolver {
  constructor(
    private readonly store: IdentityGraphStore,
    private readonly graph: IdentityGraph,
    private readonly limits: Partial<Record<IdentifierKind, number>>,
    /** E.g. the trait keys learned to hold personal values (`src/profiles/personalTraits.ts`). */
    private readonly traitObserver: TraitObserver | null = null,
  ) {}

  async resolve(record: RecordToResolve): Promise<ResolutionResult> {
    assertIdentifiers(record);
    await this.observe([record]);
    return this.resolveFrom(record, newProgress());
  }

  /**
   * Resolves many records, as `resolve` resolves each: those new to the store (no
   * identifier claimed, none shared with another record of the batch) together, a write
   * per step for all of them (`newRecordBatch.ts`), and the rest one at a time,
   * `concurrency` at once, as do new ones that lost a race on the way. Results in order.
   */
  async resolveMany(records: RecordToResolve[], concurrency: number): Promise<ResolutionResult[]> {
    for (const r of records) assertIdentifiers(r);
    await this.observe(records);
    const keys = records.map((r) => r.identifiers.map(identityKey));
    const owned = await this.store.getIdentities([...new Set(keys.flat())]);
    const seen = new Map<string, number>();
    for (const k of keys.flat()) seen.set(k, (seen.get(k) ?? 0) + 1);
    const isNew = (i: number) => keys[i]!.every((k) => !owned.has(k) && seen.get(k) === 1);
    const fresh = records.flatMap((_, i) => (isNew(i) ? [i] : []));
    const outcomes = await resolveNewRecords(
      { store: this.store, graph: this.graph },
      fresh.map((i) => ({
        record: records[i]!,
        plan: planLinks({
          identifiers: records[i]!.identifiers,
          ownerRoot: new Map(),
          clusterIdentifiers: new Map(),
          limits: this.limits,
        }),
      })),
    );
    const results = new Array<ResolutionResult>(records.length);
    // The others start from the identities read above: their first attempt need not read
    // them again (a claim lost since is caught as any lost race is).
    const rest: { index: number; progress: ResolutionProgress; owned?: typeof owned }[] = [];
    records.forEach((_, i) => {
      if (!isNew(i)) rest.push({ index: i, progress: newProgress(), owned });
    });
    fresh.forEach((index, k) => {
      const outcome = outcomes[k]!;
      if (outcome.done) results[index] = outcome.result;
      else rest.push({ index, progress: outcome.progress });
    });
    rest.sort((a, b) => a.index - b.index);
    let next = 0;
    const worker = async () => {
      while (next < rest.length) {
        const { index, progress, owned: known } = rest[next++]!;
        await yieldToLive();
        results[index] = await this.resolveFrom(records[index]!, progress, known);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, rest.length) }, worker));
    return results;
  }

  /** Before anything is stored: a personal-looking value is never in the store before its key is known to hold one. */
  private async observe(records: RecordToResolve[]): Promise<void> {
    const observer = this.traitObserver;
    if (observer === null) return;
    await Promise.all(
      records.flatMap((r) => (r.traitRecord ? [observer.observe(r.traitRecord.traits)] : [])),
    );
  }

  /** `resolve`, continuing from what earlier attempts (this call's, or a batch's) did. */
  private async resolveFrom(
    record: RecordToResolve,
    progress: ResolutionProgress,
    /** Owners of identifiers read just before (a batch's): the first attempt starts from them. */
    owned?: Map<string, IdentityDoc>,
  ): Promise<ResolutionResult> {
    const keys = record.identifiers.map(identityKey);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const found = await this.lookUp(
        record,
        keys,
        progress.claimedFor,
        attempt === 0 ? owned : undefined,
      );
      // Joining the oldest linked cluster keeps the surviving id stable; a new profile's
      // id is chosen once, so identifiers claimed in an attempt that lost a race stay
      // together with the ones claimed in the next.
      const target =
        found.plan.roots.length > 0
          ? [...found.plan.roots].sort()[0]!
          : (progress.newProfileId ??= this.graph.newProfileId());
      const claimFor = claimingProfile(keys[0]!, found.owned, target);
      const lostRace = await this.claim(record, found.plan, claimFor, progress);
      if (lostRace) continue; // someone else owns them now: plan again
      const written = await this.write(record, found, target, claimFor, progress);
      return await this.updateViews(record, found, target, progress, written);
    }
    throw new Error(`Could not resolve record ${record.recordId}: identifiers kept changing owner`);
  }

  /**
   * Who owns the record's identifiers now (each owner followed to its cluster's root), the
   * views of those clusters, and the plan of which to link and what to claim. Identities
   * a dead writer claimed but never logged are added to `claimedFor`, to be logged again.
   */
  private async lookUp(
    record: RecordToResolve,
    keys: string[],
    claimedFor: Map<string, string[]>,
    known?: Map<string, IdentityDoc>,
  ): Promise<Lookup> {
    const owned = known
      ? new Map(keys.flatMap((k) => (known.has(k) ? [[k, known.get(k)!] as const] : [])))
      : await this.store.getIdentities(keys);
    const ownerRoots = await this.graph.rootsOf([
      ...new Set([...owned.values()].map((i) => i.profileId)),
    ]);
    const ownerRoot = new Map(
      [...owned.values()].map((i) => [i._id, ownerRoots.get(i.profileId)!]),
    );
    const views = await this.store.getProfiles([...new Set(ownerRoot.values())]);
    const plan = planLinks({
      identifiers: record.identifiers,
      ownerRoot,
      clusterIdentifiers: clusterIdentifiers(ownerRoot, views),
      limits: this.limits,
    });
    this.noteUnloggedIdentities(owned, ownerRoot, views, claimedFor);
    return { owned, ownerRoots, views, plan };
  }

  /**
   * Claims the plan's unclaimed identifiers for `claimFor` with unique inserts, recording
   * the ones won in `progress` (kept even when the attempt is lost). True when another
   * writer claimed one of them first: the attempt must plan again.
   */
  private async claim(
    record: RecordToResolve,
    plan: LinkPlan,
    claimFor: string,
    progress: ResolutionProgress,
  ): Promise<boolean> {
    const claims = plan.claims.map((id) => claimOf(id, claimFor, record));
    const { conflicts } = await this.store.claimIdentities(claims);
    const won = claims.filter((c) => !conflicts.includes(c._id));
    progress.claimedDocs.push(...won);
    const claimed = won.map((c) => c._id);
    if (claimed.length > 0)
      progress.claimedFor.set(claimFor, [...(progress.claimedFor.get(claimFor) ?? []), ...claimed]);
    return conflicts.length > 0;
  }

  /**
   * With every planned identifier claimed, the writes, in order: merges the linked
   * clusters into `target`, stores the record (for the profile it was claimed for, or the
   * cluster's root), then logs what this call contributed to each profile.
   */
  private async write(
    record: RecordToResolve,
    found: Lookup,
    target: string,
    claimFor: string,
    progress: ResolutionProgress,
  ): Promise<Written> {
    const { plan, views } = found;
    const { root, merged, pointers, intents } = await this.mergeLinkedClusters(
      record,
      plan,
      target,
      views,
    );
    const stored = record.traitRecord
      ? await this.upsertTraitRecord(record, claimFor === target ? root : claimFor)
      : null;
    const recordWrite = recordToLog(record, stored, views.get(root));
    const contributions = contributionsOf(progress.claimedFor, recordWrite);
    const at = new Date();
    const { appended, slots } = await this.logContributions(
      record,
      contributions,
      progress.newProfileId,
      intents,
      at,
    );
    return { root, merged, pointers, stored, recordWrite, contributions, at, appended, slots };
  }

  /**
   * Merges each other linked cluster into `target`, one after another: each merge starts
   * from the root the previous one left.
   */
  private async mergeLinkedClusters(
    record: RecordToResolve,
    plan: LinkPlan,
    target: string,
    views: Map<string, ProfileDoc>,
  ): Promise<{
    root: string;
    merged: string[];
    pointers: MergePointerDoc[];
    intents: AppendedEntry[];
  }> {
    let root = target;
    const merged: string[] = [];
    const pointers: MergePointerDoc[] = [];
    const intents: AppendedEntry[] = [];
    for (const other of plan.roots) {
      if (other === target) continue;
      const via = plan.linkedBy.get(other) ?? null;
      const targetVia = plan.linkedBy.get(target) ?? plan.claims[0] ?? null;
      const outcome = await this.graph.merge({
        a: root,
        b: other,
        reason: record.reason,
        linkedBy: via,
        recordId: record.recordId,
        explanation: explainLink(record, other, via, target, targetVia),
        views,
      });
      root = outcome.root;
      if (outcome.mergedId !== null) merged.push(outcome.mergedId);
      if (outcome.pointer !== null) pointers.push(outcome.pointer);
      if (outcome.intent !== null) intents.push(outcome.intent);
    }
    return { root, merged, pointers, intents };
  }

  /**
   * Appends one contribution entry to the log of each profile in `contributions`, all at
   * once; a new profile's log is begun at slot 0. Returns the slot each took, in the
   * order of `contributions`, and every entry appended, after the merges' intents.
   */
  private async logContributions(
    record: RecordToResolve,
    contributions: Map<string, Contribution>,
    newProfileId: string | null,
    intents: AppendedEntry[],
    at: Date,
  ): Promise<{ appended: AppendedEntry[]; slots: number[] }> {
    const appended: AppendedEntry[] = [...intents];
    const slots = await Promise.all(
      [...contributions].map(async ([profileId, c]) => {
        const entry: ProfileLogEntry = {
          kind: 'contribution',
          source: record.source,
          recordId: record.recordId,
          keys: c.keys,
          recordHash: c.recordHash,
        };
        const seq = await this.graph.appendToLog(
          profileId,
          entry,
          profileId === newProfileId ? 0 : undefined,
          at,
        );
        appended.push({ profileId, seq, entry, at });
        return seq;
      }),
    );
    return { appended, slots };
  }

  /**
   * Brings the view of every profile this resolution touched up to date (a new profile's
   * written directly when it can be) and says what the resolution did.
   */
  private async updateViews(
    record: RecordToResolve,
    found: Lookup,
    target: string,
    progress: ResolutionProgress,
    written: Written,
  ): Promise<ResolutionResult> {
    const { plan, views } = found;
    const { root, merged, contributions, appended, recordWrite } = written;
    const outcome = {
      mergedProfileIds: merged,
      skipped: plan.skipped,
      claimed: progress.claimedDocs,
      recordOwner: written.stored?.owner ?? null,
    };
    const created = await this.createFirstView(record, plan, target, progress, written);
    if (created !== null) {
      return {
        known: knownAfter([created], appended, recordWrite),
        profileId: created._id,
        created: true,
        changed: true,
        ...outcome,
      };
    }

    // A root without a view (its creator died before building it) is rebuilt too.
    const changed =
      contributions.size > 0 ||
      merged.length > 0 ||
      (found.ownerRoots.size > 0 && !views.has(root));
    // Every profile this record touched is rebuilt: the ones merged away become
    // tombstones, and so does `target` if a concurrent writer merged it elsewhere.
    const view = changed
      ? await this.graph.materialise(
          [root, target, ...plan.roots, ...merged, ...contributions.keys()],
          // The views planned with, the pointers inserted and the entries appended just
          // now: the rebuild continues from them instead of reading them again.
          { views, pointers: written.pointers, appended },
        )
      : null;
    return {
      known: knownAfter(view ? [view] : [], appended, recordWrite),
      profileId: view?._id ?? root,
      created: plan.roots.length === 0,
      changed,
      ...outcome,
    };
  }

  /**
   * A brand-new profile whose log we began (slot 0, so nobody wrote to it before us)
   * has a view we can write directly: the fold of that one entry. Inserted, never
   * replaced, so it cannot hide a concurrent writer's newer view. Null when this is not
   * such a profile, or a view exists already: the general rebuild then takes over.
   */
  private async createFirstView(
    record: RecordToResolve,
    plan: LinkPlan,
    target: string,
    progress: ResolutionProgress,
    written: Written,
  ): Promise<ProfileDoc | null> {
    const { contributions, merged, slots } = written;
    const onlyNew =
      contributions.size === 1 && contributions.has(target) && target === progress.newProfileId;
    if (!onlyNew || merged.length !== 0 || plan.roots.length !== 0 || slots[0] !== 0) return null;
    return await this.graph.createView(target, {
      keys: contributions.get(target)!.keys,
      source: record.source,
      at: written.at,
      recordHash: contributions.get(target)!.recordHash,
      record: written.recordWrite?.stored ?? null,
    });
  }

  /**
   * A writer that died between claiming an identifier and logging it leaves the identity
   * owned but absent from every view. When we meet such an identity (owned by a cluster
   * whose current view lacks it), we log it again; a duplicate entry is harmless.
   */
  private noteUnloggedIdentities(
    owned: Map<string, IdentityDoc>,
    ownerRoot: Map<string, string>,
    views: Map<string, ProfileDoc>,
    claimedFor: Map<string, string[]>,
  ): void {
    for (const [key, identity] of owned) {
      const view = views.get(ownerRoot.get(key)!);
      const age = Date.now() - identity.createdAt.getTime();
      if (age < UNLOGGED_GRACE_MS || view?.identifiers.some((i) => identityKey(i) === key))
        continue;
      const list = claimedFor.get(identity.profileId) ?? [];
      if (!list.includes(key)) claimedFor.set(identity.profileId, [...list, key]);
    }
  }

  /**
   * Stores the record's latest version. Returns the profile whose log must record it and
   * the content hash, and, when the record is unchanged, since when.
   */
  private async upsertTraitRecord(
    record: RecordToResolve,
    profileId: string,
  ): Promise<RecordWrite> {
    const t = record.traitRecord!;
    const receivedAt = new Date();
    const content = recordContentOf(record, receivedAt);
    const version = recordVersionOf(record, receivedAt);
    const raw = this.store.putRawRecord(version);
    const stored = async () => ((await raw) ? version : null);
    try {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        // Most records are new: try the insert first, look at the existing one only if it fails.
        const inserted = await this.store.insertRecord({
          _id: record.recordId,
          source: record.source,
          profileId,
          ...content,
        });
        if (inserted) return { owner: profileId, hash: t.hash, stored: await stored() };
        const existing = (await this.store.getRecords([record.recordId])).get(record.recordId);
        if (existing === undefined) continue;
        if (existing.hash === t.hash) {
          return {
            owner: existing.profileId,
            hash: t.hash,
            unchangedSince: existing.receivedAt,
            stored: await stored(),
          };
        }
        await this.store.updateRecordContent(record.recordId, content);
        return { owner: existing.profileId, hash: t.hash, stored: await stored() };
      }
      throw new Error(`Could not store record ${record.recordId}`);
    } finally {
      await raw;
    }
  }
}

const newProgress = (): ResolutionProgress => ({
  newProfileId: null,
  claimedFor: new Map(),
  claimedDocs: [],
});

function assertIdentifiers(record: RecordToResolve): void {
  if (record.identifiers.length === 0)
    throw new Error(`Record ${record.recordId} has no identifiers to resolve`);
}

/** What one resolution has done so far, across its attempts. */
export interface ResolutionProgress {
  /** Chosen once, by the first attempt that links no existing cluster. */
  newProfileId: string | null;
  /**
   * Identity keys claimed so far, per profile they were claimed for; logged at the end in
   * one entry per profile (an attempt that lost a race keeps what it claimed).
   */
  claimedFor: Map<string, string[]>;
  claimedDocs: IdentityDoc[];
}

/** What one attempt found in the store, and its plan. */
interface Lookup {
  /** The record's identities that are claimed already, by key. */
  owned: Map<string, IdentityDoc>;
  /** The cluster root of each profile owning one of them. */
  ownerRoots: Map<string, string>;
  /** The current views of those roots (a root being created has none yet). */
  views: Map<string, ProfileDoc>;
  plan: LinkPlan;
}

/** A trait record as stored (see `upsertTraitRecord`). */
interface RecordWrite {
  owner: string;
  hash: string;
  unchangedSince?: Date;
  /** The version as this call stored it; null when it was stored before. */
  stored: RawRecordDoc | null;
}

/** What `write` did, for the views to be brought up to date from. */
interface Written {
  /** The cluster's root after the merges. */
  root: string;
  /** Profiles this call merged away. */
  merged: string[];
  pointers: MergePointerDoc[];
  /** The trait record as stored, if the record has traits. */
  stored: RecordWrite | null;
  /** The same, if it needed logging. */
  recordWrite: RecordWrite | null;
  contributions: Map<string, Contribution>;
  /** When the contributions were logged. */
  at: Date;
  /** The merges' intents, then the contributions, as appended. */
  appended: AppendedEntry[];
  /** The slot each contribution took, in the order of `contributions`. */
  slots: number[];
}

/** One profile's log entry for this record: identity keys claimed for it, the record's hash. */
interface Contribution {
  keys: string[];
  recordHash: string | null;
}

/**
 * The record write to log, or null. An unchanged record needs no entry, unless a writer
 * died between storing it and logging it, which shows as a root view that has never seen
 * the record (once that writer's grace has passed, and if the record has traits at all).
 */
function recordToLog(
  record: RecordToResolve,
  stored: RecordWrite | null,
  rootView: ProfileDoc | undefined,
): RecordWrite | null {
  if (stored?.unchangedSince === undefined) return stored;
  const seen =
    rootView !== undefined &&
    Object.values(rootView.build.traitOrigins).some((o) => o.recordId === record.recordId);
  const settled = Date.now() - stored.unchangedSince.getTime() > UNLOGGED_GRACE_MS;
  if (seen || !settled || Object.keys(record.traitRecord!.traits).length === 0) return null;
  return stored;
}

/** Per profile, what this call logs: the keys claimed for it, and the record for its owner. */
function contributionsOf(
  claimedFor: Map<string, string[]>,
  recordWrite: RecordWrite | null,
): Map<string, Contribution> {
  const contributions = new Map(
    [...claimedFor].map(([profileId, k]) => [
      profileId,
      { keys: k, recordHash: null as string | null },
    ]),
  );
  if (recordWrite !== null) {
    const entry = contributions.get(recordWrite.owner) ?? { keys: [], recordHash: null };
    entry.recordHash = recordWrite.hash;
    contributions.set(recordWrite.owner, entry);
  }
  return contributions;
}

function knownAfter(
  views: ProfileDoc[],
  appended: AppendedEntry[],
  recordWrite: { stored: RawRecordDoc | null } | null,
): KnownState {
  return {
    views: new Map(views.map((v) => [v._id, v])),
    appended,
    records: recordWrite?.stored ? [recordWrite.stored] : [],
  };
}

/**
 * The profile a record's new identifiers (and, for a new record, the record itself) are
 * given to: the one holding its first, highest-priority identifier (a contact's `CRM_ID`,
 * an identify call's `USER_ID`) when that is claimed already, and the cluster's root
 * otherwise. (Claimed, the first identifier always joins the cluster: no limit can stop
 * the first link.) A contact re-sent with a new email while wrongly merged, or linking
 * itself to someone else's cluster by a mistaken email, then adds what it gained to its
 * own profile, which an unmerge takes back out with everything else of it; given to the
 * root, a new email stayed behind and linked the two again on the contact's next re-send.
 */
function claimingProfile(
  firstKey: string,
  owned: Map<string, IdentityDoc>,
  target: string,
): string {
  return owned.get(firstKey)?.profileId ?? target;
}

/** Identifiers per kind of each cluster involved, for the limit checks. */
function clusterIdentifiers(
  ownerRoot: Map<string, string>,
  views: Map<string, ProfileDoc>,
): Map<string, KindSets> {
  const roots = [...new Set(ownerRoot.values())];
  return new Map(
    roots.map((root) => {
      // A profile being created has no view yet: its claimed identifiers are what we know.
      const ids =
        views.get(root)?.identifiers ??
        [...ownerRoot].filter(([, r]) => r === root).map(([k]) => parseIdentityKey(k));
      return [root, kindSets(ids)];
    }),
  );
}

function explainLink(
  record: RecordToResolve,
  mergedRoot: string,
  via: Identifier | null,
  target: string,
  targetVia: Identifier | null,
): string {
  const describe = (id: Identifier | null) => (id ? `${id.kind} ${id.value}` : 'an identifier');
  const verb = record.reason === 'ALIAS' ? 'aliased' : 'linked';
  return (
    `Record ${record.recordId} ${verb} ${describe(via)} (held by profile ${mergedRoot}) ` +
    `with ${describe(targetVia)} (held by profile ${target}); the older profile survives.`
  );
}
