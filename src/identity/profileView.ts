import { createHash } from 'node:crypto';
import { decodeTime } from 'ulid';
import type {
  IdentityDoc,
  ProfileDoc,
  SourceName,
  SourceSummaryDoc,
  TraitRecordDoc,
} from '../store/models';
import { sortByPriority } from './normalise';

/** Everything a profile's merged view is built from, read at one moment. */
export interface ClusterSnapshot {
  profileId: string;
  /** Set when `profileId` has itself been merged away: its view is then a tombstone. */
  mergedInto: string | null;
  /** `profileId` and every profile merged into it, transitively; sorted. */
  members: string[];
  identities: IdentityDoc[];
  records: TraitRecordDoc[];
}

/**
 * Folds a cluster into its merged view. Pure and deterministic: the same snapshot always
 * gives the same document, which is what lets concurrent writers converge (see
 * IdentityGraph.materialise). Traits: per top-level key, the value from the most recently
 * observed record wins (ties broken by record id); null means "not provided".
 */
export function buildProfileView(s: ClusterSnapshot, now: Date): ProfileDoc {
  const fingerprint = snapshotFingerprint(s);
  const createdAt = profileCreatedAt(s.profileId, s.identities);
  if (s.mergedInto !== null) {
    return {
      _id: s.profileId,
      mergedInto: s.mergedInto,
      identifiers: [],
      traits: {},
      sources: [],
      mergedFrom: [],
      createdAt,
      updatedAt: now,
      fingerprint,
    };
  }

  const traits: Record<string, unknown> = {};
  const ordered = [...s.records].sort(
    (a, b) => a.observedAt.getTime() - b.observedAt.getTime() || compare(a._id, b._id),
  );
  for (const record of ordered) {
    for (const [key, value] of Object.entries(record.traits)) {
      if (value !== null && value !== undefined) traits[key] = value;
    }
  }

  return {
    _id: s.profileId,
    mergedInto: null,
    identifiers: sortByPriority(s.identities.map(({ kind, value }) => ({ kind, value }))),
    traits,
    sources: summariseSources(s),
    mergedFrom: s.members.filter((m) => m !== s.profileId),
    createdAt,
    updatedAt: now,
    fingerprint,
  };
}

/** A digest of exactly what the view depends on; equal digests mean equal views. */
export function snapshotFingerprint(s: ClusterSnapshot): string {
  const h = createHash('sha256');
  h.update(`${s.profileId}|${s.mergedInto ?? ''}|${s.members.join(',')}\n`);
  for (const i of [...s.identities].sort((a, b) => compare(a._id, b._id)))
    h.update(`i|${i._id}|${i.profileId}\n`);
  for (const r of [...s.records].sort((a, b) => compare(a._id, b._id)))
    h.update(`r|${r._id}|${r.hash}\n`);
  return h.digest('base64url');
}

function summariseSources(s: ClusterSnapshot): SourceSummaryDoc[] {
  const bySource = new Map<SourceName, { recordIds: Set<string>; first: number; last: number }>();
  const see = (name: SourceName, recordId: string, at: Date) => {
    const entry = bySource.get(name) ?? { recordIds: new Set(), first: Infinity, last: -Infinity };
    entry.recordIds.add(recordId);
    entry.first = Math.min(entry.first, at.getTime());
    entry.last = Math.max(entry.last, at.getTime());
    bySource.set(name, entry);
  };
  for (const i of s.identities) see(i.source, i.recordId, i.createdAt);
  for (const r of s.records) see(r.source, r._id, r.receivedAt);
  return [...bySource]
    .sort(([a], [b]) => compare(a, b))
    .map(([name, e]) => ({
      name,
      records: e.recordIds.size,
      firstSeenAt: new Date(e.first),
      lastSeenAt: new Date(e.last),
    }));
}

/** Profile ids are ULIDs, so creation time is in the id; identities are the fallback. */
function profileCreatedAt(profileId: string, identities: IdentityDoc[]): Date {
  try {
    return new Date(decodeTime(profileId));
  } catch {
    const times = identities.map((i) => i.createdAt.getTime());
    return new Date(times.length > 0 ? Math.min(...times) : 0);
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
