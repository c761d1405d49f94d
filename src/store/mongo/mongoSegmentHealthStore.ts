import type { HealthPointDoc, SegmentHealthStore } from '../../segments/healthStore';
import { insertUnlessExists } from './byId';
import type { Collections } from './collections';

/** Health points in `segment_health`, one document per segment and point. */
export class MongoSegmentHealthStore implements SegmentHealthStore {
  constructor(private readonly c: Pick<Collections, 'segmentHealth'>) {}

  async insert(point: HealthPointDoc): Promise<void> {
    await insertUnlessExists(() => this.c.segmentHealth.insertOne(point));
  }

  recent(segmentId: string, limit: number): Promise<HealthPointDoc[]> {
    return this.c.segmentHealth.find({ segmentId }).sort({ at: -1 }).limit(limit).toArray();
  }

  async deleteSegment(segmentId: string): Promise<void> {
    await this.c.segmentHealth.deleteMany({ segmentId });
  }
}
