import type { Identifier } from '../identity/kinds';
import type { PersonMatchData } from '../matching/personMatchData';
import type { OrderRow } from '../orders/orderStore';
import type { SegmentChangeDoc } from '../segments/segmentModels';
import type {
  EventDoc,
  IdentityDoc,
  MergePointerDoc,
  ProfileDoc,
  RawRecordDoc,
  TraitRecordDoc,
  UnmergeDoc,
} from '../store/models';
import type { FootprintLogEntry, PersonFootprint } from './personFootprint';

/**
 * Everything Mosaic holds about one person, as one JSON document (a subject access
 * request): the merged profile and how it was formed, every record as it arrived,
 * every event, the orders, computed traits and segment history, and what identity
 * matching stored. Internal bookkeeping (fold state, log positions) is left out: each
 * part below names the fields it exports.
 */
export function personExport(
  f: PersonFootprint,
  extra: {
    identifier: Identifier;
    orders: OrderRow[];
    matching: PersonMatchData;
    exportedAt: Date;
  },
): Record<string, unknown> {
  const root = f.views.find((v) => v._id === f.rootId) ?? null;
  const subject = f.subjects.find((s) => s._id === f.rootId);
  return {
    format: 'mosaic-person-export',
    version: 1,
    exportedAt: extra.exportedAt.toISOString(),
    requestedBy: extra.identifier,
    profile: root && exportedProfile(root),
    profileIds: f.profileIds,
    identities: f.identities.map(exportedIdentity),
    records: f.records.map((r) => exportedRecord(r, f.rawRecords)),
    events: exportedEvents(f.events),
    orders: extra.orders,
    computedTraits: subject?.computed ?? {},
    segments: subject?.segments ?? [],
    segmentHistory: exportedSegmentHistory(f.segmentChanges),
    merges: f.mergePointers.map(exportedMerge),
    unmerges: f.unmerges.map(exportedUnmerge),
    matching: extra.matching,
  };
}

/** The live profile as merged (its fold state left out). */
function exportedProfile(root: ProfileDoc) {
  return {
    id: root._id,
    mergedFrom: root.mergedFrom,
    identifiers: root.identifiers,
    traits: root.traits,
    sources: root.sources,
    createdAt: root.createdAt,
    updatedAt: root.updatedAt,
  };
}

function exportedIdentity(i: IdentityDoc) {
  return {
    kind: i.kind,
    value: i.value,
    source: i.source,
    recordId: i.recordId,
    profileId: i.profileId,
    claimedAt: i.createdAt,
  };
}

/** A record as it stands, with every version of it as it arrived, oldest first. */
function exportedRecord(r: TraitRecordDoc, rawRecords: RawRecordDoc[]) {
  return {
    recordId: r._id,
    source: r.source,
    profileId: r.profileId,
    traits: r.traits,
    identifiers: r.identifiers,
    observedAt: r.observedAt,
    receivedAt: r.receivedAt,
    versions: rawRecords
      .filter((v) => v.recordId === r._id)
      .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime())
      .map((v) => ({ payload: v.payload, traits: v.traits, receivedAt: v.receivedAt })),
  };
}

/** Every event, oldest first (their log positions left out). */
function exportedEvents(events: FootprintLogEntry<EventDoc>[]) {
  return events
    .map((e) => e.data)
    .sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime())
    .map((e) => ({
      messageId: e._id,
      type: e.type,
      event: e.event,
      name: e.name,
      userId: e.userId,
      anonymousId: e.anonymousId,
      properties: e.properties,
      traits: e.traits,
      context: e.context,
      timestamp: e.timestamp,
      receivedAt: e.receivedAt,
    }));
}

/** Segment entries and exits, oldest first. */
function exportedSegmentHistory(changes: SegmentChangeDoc[]) {
  return changes
    .map((c) => ({
      segmentId: c.segmentId,
      profileId: c.profileId,
      change: c.change,
      at: c.at,
      reason: c.reason,
    }))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

function exportedMerge(p: MergePointerDoc) {
  return {
    mergedId: p._id,
    into: p.into,
    reason: p.reason,
    linkedBy: p.linkedBy,
    explanation: p.explanation,
    match: p.match ?? null,
    at: p.at,
  };
}

function exportedUnmerge(u: UnmergeDoc) {
  return {
    id: u._id,
    fromProfileId: u.fromProfileId,
    toProfileId: u.toProfileId,
    recordIds: u.recordIds,
    explanation: u.explanation,
    at: u.at,
  };
}
