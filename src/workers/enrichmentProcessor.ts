import { assignClusters } from '../clustering/clusterAssignment';
import type { ClusteringDefinitions } from '../clustering/clusteringDefinitions';
import { computeTraits, type ActivitySummary } from '../enrichment/computedTraits';
import { rfmScore } from '../enrichment/rfm';
import type { RfmStore } from '../enrichment/rfmStore';
import type { IdentifierPolicy } from '../identity/identifierPolicy';
import { eventLogName } from '../ingest/eventBatchWriter';
import type { OrderStats, OrderStore } from '../orders/orderStore';
import { ProfileReader } from '../profiles/profileReader';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { PubSub } from '../pubsub/pubSub';
import { activityCounts, evaluateMemberships } from '../segments/evaluate';
import { MAX_EVENT_DAYS } from '../segments/rules/rule';
import { MembershipChangeLog } from '../segments/membershipChangeLog';
import type { SegmentDefinitions } from '../segments/segmentDefinitions';
import type { SegmentMembership } from '../segments/segmentMembership';
import type { JobQueue } from './queues';

/** Events looked at for activity-based traits; engagement reads the last 90 days. */
const ACTIVITY_TAIL = 500;
const ACTIVITY_DAYS = MAX_EVENT_DAYS;
const DAY_MS = 86_400_000;
const NO_ORDERS: OrderStats = { count: 0, totals: [], firstOrderAt: null, lastOrderAt: null };

export type EnrichmentOutcome = 'enriched' | 'merged' | 'gone';

/**
 * One enrichment job: reads a profile as the gateway would (following merges), its order
 * aggregates from PostgreSQL and its recent events, computes its traits, and writes its
 * segment subject. Jobs are deduplicated per profile with at most one running, so this is
 * the only writer of a subject while it runs; a job for a merged-away profile removes that
 * profile's subject and hands over to the survivor.
 */
export class EnrichmentProcessor {
  /** Jobs processed by this processor (for tests and the benchmark). */
  processed = 0;
  private readonly changeLog: MembershipChangeLog;

  constructor(
    private readonly deps: {
      store: IdentityGraphStore;
      orderStore: OrderStore;
      policy: IdentifierPolicy;
      membership: SegmentMembership;
      rfm: RfmStore;
      segments: SegmentDefinitions;
      /** Absent: no clustering is assigned (tools and tests of rule segments alone). */
      clusterings?: ClusteringDefinitions;
      pubsub: PubSub;
      queues: JobQueue;
      now?: () => Date;
    },
  ) {
    this.changeLog = new MembershipChangeLog(deps);
  }

  async process(profileId: string, reason = 'profile changed'): Promise<EnrichmentOutcome> {
    this.processed++;
    const { store, orderStore, policy, membership } = this.deps;
    const now = this.deps.now?.() ?? new Date();
    const profile = await new ProfileReader(store, policy).byId(profileId);
    if (profile === null || profile._id !== profileId)
      return this.endMemberships(profileId, profile?._id ?? null, now);
    const customerIds = profile.identifiers
      .filter((i) => i.kind === 'CUSTOMER_ID')
      .map((i) => i.value);
    const orders =
      customerIds.length === 0
        ? NO_ORDERS
        : (await orderStore.loadMany([{ customerIds, first: 0, after: null }]))[0]!.stats;
    const activity = await this.activity([profile._id, ...profile.mergedFrom], now);
    const computed = computeTraits({ identifiers: profile.identifiers, orders, activity, now });
    const thresholds = await this.deps.rfm.currentThresholds();
    // Scored against the population as of the last full refresh (absent before the first).
    const rfm = thresholds === null ? null : rfmScore(computed.rfm, thresholds);
    const scores =
      rfm === null
        ? {}
        : {
            rfmRecency: rfm.recency,
            rfmFrequency: rfm.frequency,
            rfmMonetary: rfm.monetary,
            rfmSegment: rfm.segment,
          };
    const segments = await this.deps.segments.listCached(now.getTime());
    const clusterings = (await this.deps.clusterings?.listCached(now.getTime())) ?? [];
    const existing = await membership.getSubject(profileId);
    const version = existing?.version ?? 0;
    const gold = { traits: profile.traits, computed: { ...computed, ...scores } };
    const subject = {
      ...gold,
      clusters: assignClusters(clusterings, gold, now),
      activity: activityCounts(segments, activity.recent, now),
      segments: [] as string[],
      version: version + 1,
      enrichedAt: now,
    };
    subject.segments = evaluateMemberships(subject, segments, now);
    const known = new Set(segments.map((s) => s._id));
    // Memberships of deleted segments simply disappear; they are not "left".
    const before = (existing?.segments ?? []).filter((id) => known.has(id));
    // Changes first, subject second, subscribers last (see MembershipChangeLog).
    const changes = await this.changeLog.record(
      [
        {
          profileId,
          before,
          after: subject.segments,
          fromVersion: version,
          traits: profile.traits,
        },
      ],
      now,
      reason,
      segments,
    );
    await membership.putSubject(profileId, subject);
    await this.changeLog.announce(changes);
    return 'enriched';
  }

  /**
   * A profile merged away (into `survivor`) or gone: its memberships end here, and its
   * survivor is enriched, where they begin.
   */
  private async endMemberships(
    profileId: string,
    survivor: string | null,
    now: Date,
  ): Promise<EnrichmentOutcome> {
    const { membership, queues } = this.deps;
    const gone = await membership.getSubject(profileId);
    const segments = await this.deps.segments.listCached(now.getTime());
    const diff = {
      profileId,
      before: gone?.segments ?? [],
      after: [],
      fromVersion: gone?.version ?? 0,
      traits: {},
    };
    const left = await this.changeLog.record(
      [diff],
      now,
      survivor ? 'merged' : 'removed',
      segments,
    );
    await membership.deleteSubject(profileId);
    await this.changeLog.announce(left);
    if (survivor === null) return 'gone';
    await queues.enrich([survivor], `merge of ${profileId}`);
    return 'merged';
  }

  private async activity(members: string[], now: Date): Promise<ActivitySummary> {
    const tails = await Promise.all(
      members.map((m) => this.deps.store.eventLog.readTail(eventLogName(m), ACTIVITY_TAIL)),
    );
    const since = now.getTime() - ACTIVITY_DAYS * DAY_MS;
    let eventCount = 0;
    let lastSeenAt: Date | null = null;
    const recent: ActivitySummary['recent'] = [];
    for (const tail of tails) {
      eventCount += tail.length;
      for (const { data, at } of tail.entries) {
        if (lastSeenAt === null || at > lastSeenAt) lastSeenAt = at;
        if (data.timestamp.getTime() >= since)
          recent.push({
            type: data.type,
            event: data.event,
            name: data.name,
            timestamp: data.timestamp,
          });
      }
    }
    return { eventCount, lastSeenAt, recent };
  }
}
