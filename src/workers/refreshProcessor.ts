import type { Collection } from 'mongodb';
import { rfmThresholds, type RfmInputs, type RfmThresholds } from '../enrichment/rfm';
import { toMongoFilter } from '../segments/rules/toMongoFilter';
import type { SegmentStore } from '../segments/segmentStore';
import type { SegmentSubjectDoc } from '../store/models';
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
      subjects: Collection<SegmentSubjectDoc>;
      rfmThresholds: Collection<RfmThresholds & { _id: string }>;
      segments: SegmentStore;
      queues: JobQueue;
      now?: () => Date;
    },
  ) {}

  async refresh(): Promise<{ segments: number; profilesToReevaluate: number }> {
    this.runs++;
    const now = this.deps.now?.() ?? new Date();
    await this.updateRfmThresholds(now);
    const segments = await this.deps.segments.list();
    const stale = new Set<string>();
    for (const segment of segments) {
      const [matching, members] = await Promise.all([
        this.ids(toMongoFilter<SegmentSubjectDoc>(segment.rule, now)),
        this.ids({ segments: segment._id }),
      ]);
      for (const id of matching) if (!members.has(id)) stale.add(id);
      for (const id of members) if (!matching.has(id)) stale.add(id);
    }
    await this.deps.queues.enrich(stale, 'scheduled refresh');
    return { segments: segments.length, profilesToReevaluate: stale.size };
  }

  /**
   * RFM scores are quintiles of the whole population: each refresh recomputes the cut
   * points from every profile's RFM inputs; enrichment scores profiles against the latest.
   */
  private async updateRfmThresholds(now: Date): Promise<void> {
    const docs = await this.deps.subjects.find({}, { projection: { 'computed.rfm': 1 } }).toArray();
    const inputs = docs
      .map((d) => d.computed?.rfm as RfmInputs | undefined)
      .filter((r): r is RfmInputs => r !== undefined && r !== null && typeof r === 'object');
    await this.deps.rfmThresholds.replaceOne({ _id: 'current' }, rfmThresholds(inputs, now), {
      upsert: true,
    });
  }

  private async ids(filter: object): Promise<Set<string>> {
    const docs = await this.deps.subjects.find(filter, { projection: { _id: 1 } }).toArray();
    return new Set(docs.map((d) => d._id));
  }
}
