import type { Collection } from 'mongodb';
import { toMongoFilter } from '../segments/rules/toMongoFilter';
import type { SegmentStore } from '../segments/segmentStore';
import type { SegmentSubjectDoc } from '../store/models';
import type { JobQueues } from './queues';

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
      segments: SegmentStore;
      queues: JobQueues;
      now?: () => Date;
    },
  ) {}

  async refresh(): Promise<{ segments: number; profilesToReevaluate: number }> {
    this.runs++;
    const now = this.deps.now?.() ?? new Date();
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

  private async ids(filter: object): Promise<Set<string>> {
    const docs = await this.deps.subjects.find(filter, { projection: { _id: 1 } }).toArray();
    return new Set(docs.map((d) => d._id));
  }
}
