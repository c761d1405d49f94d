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
import { type KindSets, kindSets, planLinks, type SkippedIdentifier } from './linkPlan';
import { parseIdentityKey } from './profileView';

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
    if (record.identifiers.length === 0) {
      throw new Error(`Record ${record.recordId} has no identifiers to resolve`);
    }
    // Before anything is stored: a personal-looking value is never in the store before
    // its key is known to hold one.
    if (record.traitRecord && this.traitObserver)
      await this.traitObserver.observe(record.traitRecord.traits);
    const keys = record.identifiers.map(identityKey);
    let newProfileId: string | null = null;
    // Identity keys claimed so far, per profile they were claimed for; logged at the end
    // in one entry per profile (an attempt that lost a race keeps what it claimed).
    const claimedFor = new Map<string, string[]>();
    const claimedDocs: IdentityDoc[] = [];

    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const owned = await this.store.getIdentities(keys);
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

      // Joining the oldest linked cluster keeps the surviving id stable; a new profile's
      // id is chosen once, so identifiers claimed in an attempt that lost a race stay
      // together with the ones claimed in the next.
      const target =
        plan.roots.length > 0
          ? [...plan.roots].sort()[0]!
          : (newProfileId ??= this.graph.newProfileId());
      const claimFor = claimingProfile(keys[0]!, owned, target);
      const claims: IdentityDoc[] = plan.claims.map((id) => ({
        _id: identityKey(id),
        kind: id.kind,
        value: id.value,
        profileId: claimFor,
        source: record.source,
        recordId: record.recordId,
        createdAt: new Date(),
      }));
      const { conflicts } = await this.store.claimIdentities(claims);
      const won = claims.filter((c) => !conflicts.includes(c._id));
      claimedDocs.push(...won);
      const claimed = won.map((c) => c._id);
      if (claimed.length > 0)
        claimedFor.set(claimFor, [...(claimedFor.get(claimFor) ?? []), ...claimed]);
      if (conflicts.length > 0) continue; // someone else owns them now: plan again

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

      const stored = record.traitRecord
        ? await this.upsertTraitRecord(record, claimFor === target ? root : claimFor)
        : null;
      let recordWrite = stored;
      if (recordWrite?.unchangedSince !== undefined) {
        // Unchanged: nothing to log, unless a writer died between storing this record and
        // logging it, which shows as a root view that has never seen the record.
        const rootView = views.get(root);
        const seen =
          rootView !== undefined &&
          Object.values(rootView.build.traitOrigins).some((o) => o.recordId === record.recordId);
        const settled = Date.now() - recordWrite.unchangedSince.getTime() > UNLOGGED_GRACE_MS;
        if (seen || !settled || Object.keys(record.traitRecord!.traits).length === 0)
          recordWrite = null;
      }
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
      const at = new Date();
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

      // A brand-new profile whose log we began (slot 0, so nobody wrote to it before us)
      // has a view we can write directly: the fold of that one entry. Inserted, never
      // replaced, so it cannot hide a concurrent writer's newer view; if one exists
      // already, the general rebuild below takes over.
      const onlyNew =
        contributions.size === 1 && contributions.has(target) && target === newProfileId;
      if (onlyNew && merged.length === 0 && plan.roots.length === 0 && slots[0] === 0) {
        const created = await this.graph.createView(target, {
          keys: contributions.get(target)!.keys,
          source: record.source,
          at,
          recordHash: contributions.get(target)!.recordHash,
          record: recordWrite?.stored ?? null,
        });
        if (created !== null) {
          return {
            known: knownAfter([created], appended, recordWrite),
            profileId: created._id,
            created: true,
            changed: true,
            mergedProfileIds: [],
            skipped: plan.skipped,
            claimed: claimedDocs,
            recordOwner: stored?.owner ?? null,
          };
        }
      }

      // A root without a view (its creator died before building it) is rebuilt too.
      const changed =
        contributions.size > 0 || merged.length > 0 || (ownerRoots.size > 0 && !views.has(root));
      // Every profile this record touched is rebuilt: the ones merged away become
      // tombstones, and so does `target` if a concurrent writer merged it elsewhere.
      const view = changed
        ? await this.graph.materialise(
            [root, target, ...plan.roots, ...merged, ...contributions.keys()],
            // The views planned with, the pointers inserted and the entries appended just
            // now: the rebuild continues from them instead of reading them again.
            { views, pointers, appended },
          )
        : null;
      return {
        known: knownAfter(view ? [view] : [], appended, recordWrite),
        profileId: view?._id ?? root,
        created: plan.roots.length === 0,
        changed,
        mergedProfileIds: merged,
        skipped: plan.skipped,
        claimed: claimedDocs,
        recordOwner: stored?.owner ?? null,
      };
    }
    throw new Error(`Could not resolve record ${record.recordId}: identifiers kept changing owner`);
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
   * the new content hash, or null when the record is unchanged.
   */
  private async upsertTraitRecord(
    record: RecordToResolve,
    profileId: string,
  ): Promise<{
    owner: string;
    hash: string;
    unchangedSince?: Date;
    /** The version as this call stored it; null when it was stored before. */
    stored: RawRecordDoc | null;
  }> {
    const t = record.traitRecord!;
    const receivedAt = new Date();
    const content = {
      traits: t.traits,
      identifiers: record.identifiers,
      hash: t.hash,
      observedAt: t.observedAt,
      receivedAt,
    };
    const version: RawRecordDoc = {
      _id: recordVersionId(record.recordId, t.hash),
      recordId: record.recordId,
      source: record.source,
      payload: t.payload,
      traits: t.traits,
      hash: t.hash,
      observedAt: t.observedAt,
      receivedAt,
    };
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

export const recordVersionId = (recordId: string, hash: string): string => `${recordId}#${hash}`;

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
