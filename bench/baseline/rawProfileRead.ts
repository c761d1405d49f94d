import type { Collection, Db } from 'mongodb';
import { COLLECTION_NAMES } from '../../src/store/mongo/collections';
import type {
  EventDoc,
  IdentityDoc,
  LogEntryDoc,
  LogTailDoc,
  MergePointerDoc,
  ProfileDoc,
} from '../../src/store/models';

/**
 * The practical limit for `profileByIdentifier { ...recentEvents(first: N) }`: the same
 * look-ups the gateway makes, by `_id` only (the one query FerretDB's SQLite backend
 * answers from an index), with the same round-trip structure, written straight against
 * the driver. No GraphQL, no HTTP, no DataLoader, no normalisation: what is left is the
 * cost of the reads themselves.
 */
export interface RawProfileRead {
  id: string;
  identifiers: ProfileDoc['identifiers'];
  traits: ProfileDoc['traits'];
  sources: { name: string; contributions: number }[];
  recentEvents: { id: string; type: string; event: string | null; timestamp: Date }[];
  /** Not part of the query; lets the bench check the seed exercised the merge path. */
  mergedFrom: string[];
}

interface RawCollections {
  identities: Collection<IdentityDoc>;
  profiles: Collection<ProfileDoc>;
  mergePointers: Collection<MergePointerDoc>;
  logTails: Collection<LogTailDoc>;
  eventLog: Collection<LogEntryDoc<EventDoc>>;
}

const MAX_HOPS = 64;

export function rawCollections(db: Db): RawCollections {
  return {
    identities: db.collection(COLLECTION_NAMES.identities),
    profiles: db.collection(COLLECTION_NAMES.profiles),
    mergePointers: db.collection(COLLECTION_NAMES.mergePointers),
    logTails: db.collection(COLLECTION_NAMES.logTails),
    eventLog: db.collection(COLLECTION_NAMES.eventLog),
  };
}

/** `email` must already be in normalised (lower-case) form, as the seed writes it. */
export async function readProfileByEmail(
  c: RawCollections,
  email: string,
  eventCount: number,
): Promise<RawProfileRead | null> {
  const identity = await c.identities.findOne({ _id: `email:${email}` });
  if (identity === null) return null;

  let id = identity.profileId;
  let profile: ProfileDoc | null = null;
  for (let hop = 0; ; hop++) {
    if (hop > MAX_HOPS) throw new Error(`merge chain longer than ${MAX_HOPS} from ${email}`);
    // The pointer is read with the view because a view may lag its pointer.
    const [doc, pointer] = await Promise.all([
      c.profiles.findOne({ _id: id }),
      c.mergePointers.findOne({ _id: id }),
    ]);
    const next = pointer?.into ?? doc?.mergedInto ?? null;
    if (next === null) {
      profile = doc;
      break;
    }
    id = next;
  }
  if (profile === null) return null;

  const members = [profile._id, ...profile.mergedFrom];
  const tails = await Promise.all(members.map((m) => lastEntries(c, `events:${m}`, eventCount)));
  // Event-log entries carry the events themselves: no second look-up per event.
  const seen = new Set<string>();
  const events: EventDoc[] = [];
  for (const e of tails.flat().sort((a, b) => b.at.getTime() - a.at.getTime() || b.seq - a.seq)) {
    if (seen.has(e.data._id)) continue;
    seen.add(e.data._id);
    events.push(e.data);
    if (events.length === eventCount) break;
  }

  return {
    id: profile._id,
    identifiers: profile.identifiers,
    traits: profile.traits,
    sources: profile.sources.map((s) => ({ name: s.name, contributions: s.contributions })),
    recentEvents: events.map((e) => ({
      id: e._id,
      type: e.type,
      event: e.event,
      timestamp: e.timestamp,
    })),
    mergedFrom: profile.mergedFrom,
  };
}

/** The last `count` entries of a log: start at the tail hint, probe forward to the end. */
async function lastEntries(
  c: RawCollections,
  log: string,
  count: number,
): Promise<LogEntryDoc<EventDoc>[]> {
  let length = (await c.logTails.findOne({ _id: log }))?.length ?? 0;
  while (
    (await c.eventLog.findOne({ _id: `${log}#${length}` }, { projection: { _id: 1 } })) !== null
  ) {
    length++;
  }
  const seqs: number[] = [];
  for (let seq = Math.max(0, length - count); seq < length; seq++) seqs.push(seq);
  const docs = await Promise.all(seqs.map((seq) => c.eventLog.findOne({ _id: `${log}#${seq}` })));
  return docs.filter((d): d is LogEntryDoc<EventDoc> => d !== null);
}
