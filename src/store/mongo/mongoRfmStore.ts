import type { RfmThresholds } from '../../enrichment/rfm';
import type { RfmStore } from '../../enrichment/rfmStore';
import type { Collections } from './collections';

/** One document holds the cut points in use. */
const CURRENT = 'current';

/** RFM inputs read from `segment_subjects`; the cut points in `rfm_thresholds`. */
export class MongoRfmStore implements RfmStore {
  constructor(private readonly c: Pick<Collections, 'segmentSubjects' | 'rfmThresholds'>) {}

  async populationInputs(): Promise<unknown[]> {
    const docs = await this.c.segmentSubjects
      .find({}, { projection: { 'computed.rfm': 1 } })
      .toArray();
    return docs.map((d) => d.computed?.rfm);
  }

  currentThresholds(): Promise<RfmThresholds | null> {
    return this.c.rfmThresholds.findOne({ _id: CURRENT });
  }

  async replaceThresholds(thresholds: RfmThresholds): Promise<void> {
    await this.c.rfmThresholds.replaceOne({ _id: CURRENT }, thresholds, { upsert: true });
  }
}
