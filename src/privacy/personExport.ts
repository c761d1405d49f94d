import type { Identifier } from '../identity/kinds';
import type { PersonMatchData } from '../matching/personMatchData';
import type { OrderRow } from '../orders/orderStore';
import type { PersonFootprint } from './personFootprint';

/**
 * Everything Mosaic holds about one person, as one JSON document (a subject access
 * request): the merged profile and how it was formed, every record as it arrived,
 * every event, the orders, computed traits and segment history, and what identity
 * matching stored. Internal bookkeeping (fold state, log positions) is left out.
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
  return {
    format: 'mosaic-person-export',
    version: 1,
    exportedAt: extra.exportedAt.toISOString(),
    requestedBy: extra.identifier,
    profile: root && {
      id: root._id,
      mergedFrom: root.mergedFrom,
      identifiers: root.identifiers,
      traits: root.traits,
      sources: root.sources,
      createdAt: root.createdAt,
      updatedAt: root.updatedAt,
    },
    profileIds: f.profileIds,
    identities: f.identities.map((i) => ({
      kind: i.kind,
      value: i.value,
      source: i.source,
      recordId: i.recordId,
      profileId: i.profileId,
      claimedAt: i.createdAt,
    })),
    records: f.records.map((r) => ({
      recordId: r._id,
      source: r.source,
      profileId: r.profileId,
      traits: r.traits,
      identifiers: r.identifiers,
      observedAt: r.observedAt,
      receivedAt: r.receivedAt,
      versions: f.rawRecords
        .filter((v) => v.recordId === r._id)
        .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime())
        .map((v) => ({ payload: v.payload, traits: v.traits, receivedAt: v.receivedAt })),
    })),
    events: f.events
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
      })),
    orders: extra.orders,
    computedTraits: f.subjects.find((s) => s._id === f.rootId)?.computed ?? {},
    segments: f.subjects.find((s) => s._id === f.rootId)?.segments ?? [],
    segmentHistory: f.segmentChanges
      .map((c) => ({
        segmentId: c.segmentId,
        profileId: c.profileId,
        change: c.change,
        at: c.at,
        reason: c.reason,
      }))
      .sort((a, b) => a.at.getTime() - b.at.getTime()),
    merges: f.mergePointers.map((p) => ({
      mergedId: p._id,
      into: p.into,
      reason: p.reason,
      linkedBy: p.linkedBy,
      explanation: p.explanation,
      match: p.match ?? null,
      at: p.at,
    })),
    unmerges: f.unmerges.map((u) => ({
      id: u._id,
      fromProfileId: u.fromProfileId,
      toProfileId: u.toProfileId,
      recordIds: u.recordIds,
      explanation: u.explanation,
      at: u.at,
    })),
    matching: extra.matching,
  };
}
