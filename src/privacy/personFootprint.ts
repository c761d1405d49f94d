import { profileLogName } from '../identity/identityGraph';
import { IDENTIFIER_KINDS, identityKey, type Identifier } from '../identity/kinds';
import { parseIdentityKey } from '../identity/profileView';
import { recordVersionId } from '../store/models';
import { eventLogName } from '../ingest/eventBatchWriter';
import type { SegmentChangeDoc } from '../segments/segmentModels';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type {
  EventDoc,
  IdentityDoc,
  MergePointerDoc,
  PendingEventBatchDoc,
  ProfileDoc,
  ProfileLogEntry,
  RawRecordDoc,
  SegmentSubjectDoc,
  TraitRecordDoc,
  UnmergeDoc,
} from '../store/models';
import type { PersonDataStore } from '../store/personDataStore';

/** A log entry wherever it came from: read by position, or found by a scan. */
export interface FootprintLogEntry<T> {
  log: string;
  seq: number;
  data: T;
  at: Date;
}

/**
 * Everything the profile store holds about one person: the cluster of profiles their
 * records formed, and every document that cluster owns. Export shows it; erasure removes it.
 */
export interface PersonFootprint {
  /** The live profile the identifier led to. */
  rootId: string;
  /** The root and every profile merged into it, oldest first. */
  profileIds: string[];
  views: ProfileDoc[];
  identities: IdentityDoc[];
  /** Identity keys the cluster holds or claimed (some may have no document: a crashed claim). */
  identityKeys: string[];
  records: TraitRecordDoc[];
  rawRecords: RawRecordDoc[];
  profileLog: FootprintLogEntry<ProfileLogEntry>[];
  events: FootprintLogEntry<EventDoc>[];
  mergePointers: MergePointerDoc[];
  unmerges: UnmergeDoc[];
  subjects: SegmentSubjectDoc[];
  segmentChanges: SegmentChangeDoc[];
  pendingBatches: PendingEventBatchDoc[];
}

/** Trait keys whose string values are a person's name (compared case- and separator-blind). */
const NAME_TRAITS = new Set(['firstname', 'lastname', 'name', 'fullname', 'givenname', 'surname']);
/** Shorter values are not searched for in shared data: "Al" would match half the store. */
const MIN_NEEDLE = 3;

export interface FootprintOptions {
  /**
   * Also find what no index leads to — entries appended to the logs after they were
   * read, identities a crashed writer claimed without logging, profiles merged into the
   * cluster since — with scans. The follow-up sweep of an erasure runs this way.
   */
  thorough: boolean;
}

/** Collects a person's footprint from the profiles their identifier leads to. */
export async function collectFootprint(
  deps: { store: IdentityGraphStore; personData: PersonDataStore },
  startIds: string[],
  rootId: string,
  options: FootprintOptions,
): Promise<PersonFootprint> {
  const { store, personData } = deps;
  const { members, views } = await findCluster(deps, startIds, options);
  const profileIds = [...members].sort();
  const { profileLog, events } = await readLogs(deps, profileIds, options);
  const { keys, recordIds, unmergeIds } = namedByLogsAndViews(profileIds, views, profileLog);

  const [records, owned, pointers, unmerges, subjects, segmentChanges, pendingBatches] =
    await Promise.all([
      store.getRecords([...recordIds]),
      options.thorough ? personData.identitiesOwnedBy(profileIds) : Promise.resolve([]),
      store.getMergePointers(profileIds),
      store.getUnmerges([...unmergeIds]),
      personData.segmentSubjects(profileIds),
      personData.segmentChangesOf(profileIds),
      personData.pendingBatchesWith(profileIds),
    ]);
  const identities = await ownIdentities(store, keys, records, owned, members);
  const rawRecords = await everyVersion(deps, recordIds, records);

  return {
    rootId,
    profileIds,
    views: profileIds.flatMap((id) => views.get(id) ?? []),
    identities: [...identities.values()],
    identityKeys: [...keys].sort(),
    records: [...records.values()],
    rawRecords,
    profileLog,
    events,
    mergePointers: [...pointers.values()],
    unmerges: [...unmerges.values()],
    subjects,
    segmentChanges,
    pendingBatches,
  };
}

/**
 * The cluster: views name their members; pointers into a member name the ones that
 * joined since (or whose view was never folded). Followed until nothing new is named.
 */
async function findCluster(
  { store, personData }: { store: IdentityGraphStore; personData: PersonDataStore },
  startIds: string[],
  options: FootprintOptions,
): Promise<{ members: Set<string>; views: Map<string, ProfileDoc> }> {
  const members = new Set(startIds);
  const views = new Map<string, ProfileDoc>();
  for (let frontier = [...members]; frontier.length > 0;) {
    const found = await store.getProfiles(frontier);
    const joined = options.thorough ? await personData.mergePointersInto(frontier) : [];
    const next: string[] = [];
    for (const view of found.values()) {
      views.set(view._id, view);
      for (const id of [...view.mergedFrom, ...Object.keys(view.build.logLengths)])
        if (!members.has(id)) next.push(id);
    }
    for (const p of joined) if (!members.has(p._id)) next.push(p._id);
    for (const id of next) members.add(id);
    frontier = [...new Set(next)];
  }
  return { members, views };
}

/**
 * The cluster's profile and event logs, whole: read by position, or, when thorough, by
 * a scan (which also finds entries appended past what a reader knew).
 */
async function readLogs(
  { store, personData }: { store: IdentityGraphStore; personData: PersonDataStore },
  profileIds: string[],
  options: FootprintOptions,
): Promise<{
  profileLog: FootprintLogEntry<ProfileLogEntry>[];
  events: FootprintLogEntry<EventDoc>[];
}> {
  const profileLog: FootprintLogEntry<ProfileLogEntry>[] = options.thorough
    ? (await personData.profileLogEntries(profileIds.map(profileLogName))).map((d) =>
        asEntry<ProfileLogEntry>(d),
      )
    : await readWhole<ProfileLogEntry>(store.profileLog, profileIds.map(profileLogName));
  const events: FootprintLogEntry<EventDoc>[] = options.thorough
    ? (await personData.eventLogEntries(profileIds.map(eventLogName))).map((d) =>
        asEntry<EventDoc>(d),
      )
    : await readWhole<EventDoc>(store.eventLog, profileIds.map(eventLogName));
  return { profileLog, events };
}

/** The identity keys, records and unmerges the cluster's log and views name. */
function namedByLogsAndViews(
  profileIds: string[],
  views: Map<string, ProfileDoc>,
  profileLog: FootprintLogEntry<ProfileLogEntry>[],
): { keys: Set<string>; recordIds: Set<string>; unmergeIds: Set<string> } {
  const keys = new Set<string>();
  const recordIds = new Set<string>();
  const unmergeIds = new Set<string>(profileIds.flatMap((id) => views.get(id)?.unmerges ?? []));
  for (const { data } of profileLog) {
    if (data.kind === 'contribution') {
      for (const k of data.keys) keys.add(k);
      recordIds.add(data.recordId);
    } else if (data.kind === 'split') unmergeIds.add(data.unmergeId);
  }
  for (const view of views.values()) for (const id of view.identifiers) keys.add(identityKey(id));
  for (const origin of [...views.values()].flatMap((v) => Object.values(v.build.traitOrigins)))
    recordIds.add(origin.recordId);
  return { keys, recordIds, unmergeIds };
}

/**
 * The identities that are the person's: named by the cluster (`keys`), its records, or
 * owned by its profiles. `keys` is narrowed to them in place (it becomes `identityKeys`).
 */
async function ownIdentities(
  store: IdentityGraphStore,
  keys: Set<string>,
  records: Map<string, TraitRecordDoc>,
  owned: IdentityDoc[],
  members: Set<string>,
): Promise<Map<string, IdentityDoc>> {
  for (const record of records.values())
    for (const id of record.identifiers) keys.add(identityKey(id));
  for (const doc of owned) keys.add(doc._id);
  const found = await store.getIdentities([...keys]);
  // A record can name identifiers another profile owns (a per-kind limit kept them there,
  // e.g. a shared device): those are someone else's and stay.
  for (const [key, doc] of found) if (!members.has(doc.profileId)) keys.delete(key);
  return new Map([...found].filter(([key]) => keys.has(key)));
}

/** Every version of every record: the ones logged, and any a writer stored but never logged. */
async function everyVersion(
  { store, personData }: { store: IdentityGraphStore; personData: PersonDataStore },
  recordIds: Set<string>,
  records: Map<string, TraitRecordDoc>,
): Promise<RawRecordDoc[]> {
  const rawRecords = await personData.rawRecordsOf([...recordIds]);
  const logged = [...records.values()].map((r) => recordVersionId(r._id, r.hash));
  const missing = logged.filter((id) => !rawRecords.some((r) => r._id === id));
  rawRecords.push(...(await store.getRawRecords(missing)).values());
  return rawRecords;
}

/**
 * The strings that identify the person in data shared with others or cached by value:
 * identifier values (emails, phones, ids), names, and the forms they were sent in.
 */
export function personNeedles(
  f: PersonFootprint,
  isBlocked: (id: Identifier) => boolean,
): string[] {
  const out = new Set<string>();
  for (const key of f.identityKeys) {
    const id = parseIdentityKey(key);
    if (!isBlocked(id)) out.add(id.value);
  }
  const traitSets = [
    ...f.records.map((r) => r.traits),
    ...f.rawRecords.map((r) => r.traits),
    ...f.views.map((v) => v.traits),
    ...f.events.map((e) => e.data.traits),
  ];
  for (const traits of traitSets) collectNames(traits, out);
  // Emails and phones as sent (`(415) 555-0100`, `Some.One@Example.COM`): raw payloads keep them.
  for (const raw of f.rawRecords) collectContactForms(raw.payload, out);
  // Placeholders (`test@test.com`, `n/a`) are nobody's: never searched for in shared data.
  const placeholder = (n: string) =>
    IDENTIFIER_KINDS.some((kind) => isBlocked({ kind, value: n.toLowerCase() }));
  return [...out].filter((n) => n.length >= MIN_NEEDLE && !placeholder(n)).sort();
}

function collectNames(traits: Record<string, unknown>, out: Set<string>): void {
  for (const [key, value] of Object.entries(traits ?? {})) {
    if (typeof value !== 'string') continue;
    if (NAME_TRAITS.has(key.toLowerCase().replace(/[^a-z]/g, ''))) out.add(value.trim());
  }
}

function collectContactForms(payload: unknown, out: Set<string>): void {
  if (payload === null || typeof payload !== 'object') return;
  for (const [key, value] of Object.entries(payload as Record<string, unknown>)) {
    if ((key === 'emails' || key === 'phones') && Array.isArray(value)) {
      for (const v of value) if (typeof v === 'string') out.add(v.trim());
    } else if (typeof value === 'object') collectContactForms(value, out);
  }
}

async function readWhole<T>(
  log: IdentityGraphStore['profileLog'] | IdentityGraphStore['eventLog'],
  names: string[],
): Promise<FootprintLogEntry<T>[]> {
  const read = await Promise.all(names.map((name) => log.readFrom(name, 0)));
  return read.flatMap(({ entries }, i) =>
    entries.map((e) => ({ log: names[i]!, seq: e.seq, data: e.data as T, at: e.at })),
  );
}

function asEntry<T>(doc: {
  log: string;
  seq: number;
  data: unknown;
  at: Date;
}): FootprintLogEntry<T> {
  return { log: doc.log, seq: doc.seq, data: doc.data as T, at: doc.at };
}
