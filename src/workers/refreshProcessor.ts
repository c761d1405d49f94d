import { rfmThresholds, type RfmInputs } from '../enrichment/rfm';
import type { RfmStore } from '../enrichment/rfmStore';
import type { SegmentDefinitions } from '../segments/segmentDefinitions';
import type { SegmentMembership } from '../segments/segmentMembership';
import type { JobQueue } from './queues';

/**
 * The scheduled full refresh: runs every segment's rule as a store filter at `now` and
 * sends each profile whose stored membership disagrees to enrichment, which re-evaluates
 * it (the filter and the predicate agree, see test/segments). This is what moves
 * time-relative segments ("no order in the last 30 days") when no data changes at all.
 * Memberships are only ever written by the per-profile job, so a refresh never races it.
 */
export class RefreshProcessor {
  runs = 0;

  constructor(
    private readonly deps: {
      membership: SegmentMembership;
      rfm: RfmStore;
      segments: SegmentDefinitions;
      queues: JobQueue;
      now?: () => Date;
    },
  ) {}

  async refresh(): Promise<{ segments: number; profilesToReevaluate: number }> {
    this.runs++;
    const now = this.deps.now?.() ?? new Date();
    await this.updateRfmThresholds(now);
    const segments = await this.deps.segments.list();
    const { membership } = this.deps;
    const stale = new Set<string>();
    for (const segment of segments) {
      // A cluster segment moves only with its profiles' data (enrichment) and its refits;
      // time alone never changes a nearest centroid, so there is nothing to scan for.
      if (segment.kind === 'CLUSTER') continue;
      const [matching, members] = await Promise.all([
        membership.idsMatching(segment.rule, now),
        membership.allMemberIds(segment._id),
      ]);
      for (const id of matching) if (!members.has(id)) stale.add(id);
      for (const id of members) if (!matching.has(id)) stale.add(id);
    }
    await this.deps.queues.enrich(stale, 'scheduled refresh', 'bulk');
    return { segments: segments.length, profilesToReevaluate: stale.size };
  }

  /**
   * RFM scores are quintiles of the whole population: each refresh recomputes the cut
   * points from every profile's RFM inputs; enrichment scores profiles against the latest.
   */
  private async updateRfmThresholds(now: Date): Promise<void> {
    const inputs = (await this.deps.rfm.populationInputs()).filter(
      (r): r is RfmInputs => r !== undefined && r !== null && typeof r === 'object',
    );
    await this.deps.rfm.replaceThresholds(rfmThresholds(inputs, now));
  }
}
