import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { IdentityDoc, ProfileLogEntry, RawRecordDoc } from '../store/models';
import type { IdentityGraph } from './identityGraph';
import type { LinkPlan } from './linkPlan';
import { claimOf, recordContentOf, recordVersionOf } from './recordDocs';
import type { RecordToResolve, ResolutionProgress, ResolutionResult } from './resolver';

/** A record of the batch that is new to the store, with its plan (claims only, no links). */
export interface NewRecord {
  record: RecordToResolve;
  plan: LinkPlan;
}

/**
 * What became of each new record: resolved, or handed back with what was done so far
 * (the identities it won), for the one-record path to finish as it finishes an attempt
 * that lost a race.
 */
export type NewRecordOutcome =
  { done: true; result: ResolutionResult } | { done: false; progress: ResolutionProgress };

/**
 * Resolves records that share no identifier with the store or with each other (a CRM's
 * new contacts, the bulk of a first sync) the way the one-record path would, each into a
 * profile of its own, with each step's writes for all of them in one round trip: the
 * identity claims, the record versions, the records, the first log entries and the first
 * views. Every write is the one-record path's unique insert, so the same races are lost
 * the same way: a record whose claim, record or log slot was taken meanwhile is handed
 * back with what it won, and a view that could not be created is folded from its log.
 */
export async function resolveNewRecords(
  deps: { store: IdentityGraphStore; graph: IdentityGraph },
  batch: NewRecord[],
): Promise<NewRecordOutcome[]> {
  const { store, graph } = deps;
  const profileIds = batch.map(() => graph.newProfileId());
  const claims = batch.map(({ record, plan }, i) =>
    plan.claims.map((id) => claimOf(id, profileIds[i]!, record)),
  );
  const { conflicts } = await store.claimIdentities(claims.flat());
  const lost = new Set(conflicts);
  const outcomes = new Array<NewRecordOutcome>(batch.length);
  const progressOf = (i: number): ResolutionProgress => {
    const won = claims[i]!.filter((c) => !lost.has(c._id));
    return {
      newProfileId: profileIds[i]!,
      claimedFor: new Map(won.length > 0 ? [[profileIds[i]!, won.map((c) => c._id)]] : []),
      claimedDocs: won,
    };
  };
  const going: number[] = [];
  batch.forEach((_, i) => {
    if (claims[i]!.some((c) => lost.has(c._id)))
      outcomes[i] = { done: false, progress: progressOf(i) };
    else going.push(i);
  });

  const stored = await storeRecords(
    store,
    going.map((i) => ({ ...batch[i]!, profileId: profileIds[i]! })),
  );
  const logged: { i: number; raw: RawRecordDoc | null }[] = [];
  going.forEach((i, k) => {
    const raw = stored[k];
    if (raw === undefined) outcomes[i] = { done: false, progress: progressOf(i) };
    else logged.push({ i, raw });
  });

  const results = await logAndView(
    graph,
    logged.map(({ i, raw }) => ({
      ...batch[i]!,
      profileId: profileIds[i]!,
      claims: claims[i]!,
      raw,
    })),
  );
  logged.forEach(({ i }, k) => (outcomes[i] = { done: true, result: results[k]! }));
  return outcomes;
}

/**
 * Begins each new profile's log with its one entry and writes its first view from it, all
 * at once; a view that could not be created (its log begun by someone else first, a view
 * there already, or merged away meanwhile) is folded from the log instead.
 */
async function logAndView(
  graph: IdentityGraph,
  items: (NewRecord & { profileId: string; claims: IdentityDoc[]; raw: RawRecordDoc | null })[],
): Promise<ResolutionResult[]> {
  const at = new Date();
  const entries = items.map((item) => entryOf(item.record, item.claims));
  const first = await graph.beginLogs(
    items.map((item, k) => ({ profileId: item.profileId, entry: entries[k]! })),
    at,
  );
  const creatable = items.flatMap((item, k) => (first.has(item.profileId) ? [k] : []));
  const created = await graph.createViews(
    creatable.map((k) => ({
      profileId: items[k]!.profileId,
      first: {
        keys: entries[k]!.keys,
        source: items[k]!.record.source,
        at,
        recordHash: entries[k]!.recordHash,
        record: items[k]!.raw,
      },
    })),
  );
  const views = new Map(creatable.map((k, n) => [k, created[n] ?? null]));
  return Promise.all(
    items.map(async (item, k): Promise<ResolutionResult> => {
      const { profileId, raw } = item;
      const appended = first.has(profileId) ? [{ profileId, seq: 0, entry: entries[k]!, at }] : [];
      const records = raw ? [raw] : [];
      const view = views.get(k) ?? (await graph.materialise([profileId], { appended, records }));
      return {
        profileId: view._id,
        created: true,
        changed: true,
        mergedProfileIds: [],
        skipped: item.plan.skipped,
        claimed: item.claims,
        recordOwner: item.record.traitRecord ? profileId : null,
        known: { views: new Map([[view._id, view]]), appended, records },
      };
    }),
  );
}

/** A new profile's first log entry: the identities claimed for it and the record's version. */
function entryOf(
  record: RecordToResolve,
  claims: IdentityDoc[],
): Extract<ProfileLogEntry, { kind: 'contribution' }> {
  return {
    kind: 'contribution',
    source: record.source,
    recordId: record.recordId,
    keys: claims.map((c) => c._id),
    recordHash: record.traitRecord?.hash ?? null,
  };
}

/**
 * Stores each record's version and the record itself, owned by its new profile. Per
 * record: the version as stored now (null when it was stored before, or the record has
 * no traits), or undefined when the record existed already (a writer that died before
 * logging it, or a race): the one-record path then stores it as it stores a re-send.
 */
async function storeRecords(
  store: IdentityGraphStore,
  items: (NewRecord & { profileId: string })[],
): Promise<(RawRecordDoc | null | undefined)[]> {
  const withTraits = items.filter((i) => i.record.traitRecord !== undefined);
  const receivedAt = new Date();
  const versions = withTraits.map(({ record }) => recordVersionOf(record, receivedAt));
  const [raw, records] = await Promise.all([
    store.putRawRecords(versions),
    store.insertRecords(
      withTraits.map(({ record, profileId }) => ({
        _id: record.recordId,
        source: record.source,
        profileId,
        ...recordContentOf(record, receivedAt),
      })),
    ),
  ]);
  const rawBefore = new Set(raw.conflicts);
  const existed = new Set(records.conflicts);
  const versionOf = new Map(versions.map((v) => [v.recordId, v]));
  return items.map(({ record }) => {
    if (record.traitRecord === undefined) return null;
    if (existed.has(record.recordId)) return undefined;
    const version = versionOf.get(record.recordId)!;
    return rawBefore.has(version._id) ? null : version;
  });
}
