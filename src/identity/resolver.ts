import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { IdentityDoc, MergeReason, SourceName } from '../store/models';
import type { IdentityGraph } from './identityGraph';
import { type Identifier, type IdentifierKind, identityKey } from './kinds';
import { type KindSets, kindSets, planLinks, type SkippedIdentifier } from './linkPlan';

/** Attempts before giving up on a record; each retry means a concurrent writer claimed one of its identifiers. */
const MAX_ATTEMPTS = 32;

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

export interface ResolutionResult {
  profileId: string;
  /** True when the record created a new profile. */
  created: boolean;
  /** True when anything about the profile changed (claims, merges, traits). */
  changed: boolean;
  mergedProfileIds: string[];
  skipped: SkippedIdentifier[];
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
  ) {}

  async resolve(record: RecordToResolve): Promise<ResolutionResult> {
    if (record.identifiers.length === 0)
      throw new Error(`Record ${record.recordId} has no identifiers to resolve`);
    const keys = record.identifiers.map(identityKey);
    let newProfileId: string | null = null;
    let claimedSomething = false;

    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const owned = await this.store.findIdentities(keys);
      const ownerRoots = await this.graph.rootsOf([...new Set(owned.map((i) => i.profileId))]);
      const ownerRoot = new Map(owned.map((i) => [i._id, ownerRoots.get(i.profileId)!]));
      const roots = [...new Set(ownerRoot.values())];
      const plan = planLinks({
        identifiers: record.identifiers,
        ownerRoot,
        clusterIdentifiers: await this.clusterIdentifiers(roots),
        limits: this.limits,
      });

      // Joining the oldest linked cluster keeps the surviving id stable; a new profile's
      // id is chosen once, so identifiers claimed in an attempt that lost a race stay
      // together with the ones claimed in the next.
      const target =
        plan.roots.length > 0
          ? [...plan.roots].sort()[0]!
          : (newProfileId ??= this.graph.newProfileId());
      const now = new Date();
      const claims: IdentityDoc[] = plan.claims.map((id) => ({
        _id: identityKey(id),
        kind: id.kind,
        value: id.value,
        profileId: target,
        source: record.source,
        recordId: record.recordId,
        createdAt: now,
      }));
      const { conflicts } = await this.store.claimIdentities(claims);
      claimedSomething ||= conflicts.length < claims.length;
      if (conflicts.length > 0) continue;

      let root = target;
      const merged: string[] = [];
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
        });
        root = outcome.root;
        if (outcome.mergedId !== null) merged.push(outcome.mergedId);
      }

      const recordChanged = record.traitRecord ? await this.upsertTraitRecord(record, root) : false;
      const changed = claimedSomething || merged.length > 0 || recordChanged;
      // Every profile this record touched is rebuilt: the ones merged away become
      // tombstones, and so does `target` if a concurrent writer merged it elsewhere.
      const profileId = changed
        ? (await this.graph.materialise([root, target, ...plan.roots, ...merged]))._id
        : root;
      return {
        profileId,
        created: plan.roots.length === 0,
        changed,
        mergedProfileIds: merged,
        skipped: plan.skipped,
      };
    }
    throw new Error(`Could not resolve record ${record.recordId}: identifiers kept changing owner`);
  }

  private async clusterIdentifiers(roots: string[]): Promise<Map<string, KindSets>> {
    if (roots.length === 0) return new Map();
    const members = await this.graph.membersOfMany(roots);
    const rootOfMember = new Map<string, string>();
    for (const [root, list] of members) for (const m of list) rootOfMember.set(m, root);
    const identities = await this.store.identitiesOfProfiles([...rootOfMember.keys()]);
    const byRoot = new Map<string, Identifier[]>(roots.map((r) => [r, []]));
    for (const i of identities)
      byRoot.get(rootOfMember.get(i.profileId)!)!.push({ kind: i.kind, value: i.value });
    return new Map([...byRoot].map(([root, ids]) => [root, kindSets(ids)]));
  }

  /** Stores the record's latest version; true when it is new or its content changed. */
  private async upsertTraitRecord(record: RecordToResolve, profileId: string): Promise<boolean> {
    const t = record.traitRecord!;
    const receivedAt = new Date();
    await this.store.putRawRecord({
      _id: `${record.recordId}#${t.hash}`,
      recordId: record.recordId,
      source: record.source,
      payload: t.payload,
      receivedAt,
    });
    const content = {
      traits: t.traits,
      identifiers: record.identifiers,
      hash: t.hash,
      observedAt: t.observedAt,
      receivedAt,
    };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const existing = await this.store.findRecord(record.recordId);
      if (existing === null) {
        if (
          await this.store.insertRecord({
            _id: record.recordId,
            source: record.source,
            profileId,
            ...content,
          })
        )
          return true;
        continue; // the same record arrived concurrently: compare against that one
      }
      if (existing.hash === t.hash) return false;
      await this.store.updateRecordContent(record.recordId, content);
      return true;
    }
    throw new Error(`Could not store record ${record.recordId}`);
  }
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
