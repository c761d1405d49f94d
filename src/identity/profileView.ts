import { decodeTime } from 'ulid';
import type { ProfileDoc, SourceName, TraitOrigin, RawRecordDoc } from '../store/models';
import { type Identifier, identityKey, isIdentifierKind } from './kinds';
import { sortByPriority } from './normalise';

/**
 * Pure folding of profile-log entries into a profile's merged view. Every function
 * here is order-independent and idempotent (applying an entry twice, or two entries in
 * either order, gives the same view), which is what lets a view be built incrementally
 * by whichever writer gets there first and still converge.
 */

export function emptyView(profileId: string, now: Date): ProfileDoc {
  return {
    _id: profileId,
    mergedInto: null,
    identifiers: [],
    traits: {},
    sources: [],
    mergedFrom: [],
    createdAt: profileCreatedAt(profileId, now),
    updatedAt: now,
    build: { logLengths: { [profileId]: 0 }, pendingChildren: {}, traitOrigins: {} },
  };
}

/** A merged-away profile: only where it went. Pointers never change, so neither does this. */
export function tombstone(profileId: string, into: string, now: Date): ProfileDoc {
  return {
    ...emptyView(profileId, now),
    mergedInto: into,
    build: { logLengths: {}, pendingChildren: {}, traitOrigins: {} },
  };
}

/** `email:a@b.com` → `{ kind: 'EMAIL', value: 'a@b.com' }`; values may contain colons. */
export function parseIdentityKey(key: string): Identifier {
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon).toUpperCase();
  if (colon < 1 || !isIdentifierKind(kind)) throw new Error(`Malformed identity key "${key}"`);
  return { kind, value: key.slice(colon + 1) };
}

export function addIdentifiers(view: ProfileDoc, keys: string[]): void {
  const known = new Set(view.identifiers.map(identityKey));
  const added = keys.filter((k) => !known.has(k)).map(parseIdentityKey);
  if (added.length > 0) view.identifiers = sortByPriority([...view.identifiers, ...added]);
}

export function countContribution(view: ProfileDoc, source: SourceName, at: Date): void {
  const existing = view.sources.find((s) => s.name === source);
  if (existing) {
    existing.contributions++;
    if (at < existing.firstSeenAt) existing.firstSeenAt = at;
    if (at > existing.lastSeenAt) existing.lastSeenAt = at;
  } else {
    view.sources.push({ name: source, contributions: 1, firstSeenAt: at, lastSeenAt: at });
    view.sources.sort((a, b) => (a.name < b.name ? -1 : 1));
  }
}

/**
 * Folds a record's traits in: per key, the value from the latest observation wins, with
 * record id and content hash breaking ties so the outcome never depends on fold order.
 * Null means "not provided" and never erases a value.
 */
export function applyRecord(view: ProfileDoc, record: RawRecordDoc): void {
  const origin: TraitOrigin = {
    at: record.observedAt,
    recordId: record.recordId,
    hash: record.hash,
  };
  for (const [key, value] of Object.entries(record.traits)) {
    if (value === null || value === undefined) continue;
    // Own properties only: a trait named `toString` must not find Object.prototype's.
    const current = Object.hasOwn(view.build.traitOrigins, key)
      ? view.build.traitOrigins[key]
      : undefined;
    if (current && compareOrigins(current, origin) > 0) continue;
    view.traits[key] = value;
    view.build.traitOrigins[key] = origin;
  }
}

function compareOrigins(a: TraitOrigin, b: TraitOrigin): number {
  return (
    a.at.getTime() - b.at.getTime() ||
    (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0) ||
    (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0)
  );
}

/** Profile ids are ULIDs, so creation time is in the id. */
function profileCreatedAt(profileId: string, fallback: Date): Date {
  try {
    return new Date(decodeTime(profileId));
  } catch {
    return fallback;
  }
}
