import type { Collection } from 'mongodb';
import { computeTraits, type ActivitySummary } from '../enrichment/computedTraits';
import type { IdentifierPolicy } from '../identity/identifierPolicy';
import { eventLogName } from '../ingest/eventBatchWriter';
import type { OrderStats, OrderStore } from '../orders/orderStore';
import { ProfileReader } from '../profiles/profileReader';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { SegmentSubjectDoc } from '../store/models';
import type { JobQueues } from './queues';

/** Events looked at for activity-based traits; engagement reads the last 90 days. */
const ACTIVITY_TAIL = 500;
const ACTIVITY_DAYS = 90;
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

  constructor(
    private readonly deps: {
      store: IdentityGraphStore;
      orderStore: OrderStore;
      policy: IdentifierPolicy;
      subjects: Collection<SegmentSubjectDoc>;
      queues: JobQueues;
      now?: () => Date;
    },
  ) {}

  async process(profileId: string): Promise<EnrichmentOutcome> {
    this.processed++;
    const { store, orderStore, policy, subjects, queues } = this.deps;
    const now = this.deps.now?.() ?? new Date();
    const profile = await new ProfileReader(store, policy).byId(profileId);
    if (profile === null || profile._id !== profileId) {
      await subjects.deleteOne({ _id: profileId });
      if (profile === null) return 'gone';
      await queues.enrich([profile._id]);
      return 'merged';
    }
    const customerIds = profile.identifiers
      .filter((i) => i.kind === 'CUSTOMER_ID')
      .map((i) => i.value);
    const orders =
      customerIds.length === 0
        ? NO_ORDERS
        : (await orderStore.loadMany([{ customerIds, first: 0, after: null }]))[0]!.stats;
    const activity = await this.activity([profile._id, ...profile.mergedFrom], now);
    const computed = computeTraits({ identifiers: profile.identifiers, orders, activity, now });
    const existing = await subjects.findOne({ _id: profileId });
    await subjects.replaceOne(
      { _id: profileId },
      {
        traits: profile.traits,
        computed: { ...computed },
        activity: existing?.activity ?? {},
        segments: existing?.segments ?? [],
        enrichedAt: now,
      },
      { upsert: true },
    );
    return 'enriched';
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
