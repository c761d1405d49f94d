import type { SegmentSubjectDoc } from '../store/models';
import { HotTierUnavailable, type ProfileHotTier, type StoredGoldDocuments } from './goldDocuments';
import type { GoldFences } from './goldFences';

/** A read's outcome in the hot tier: hit, miss, or bypassed while the tier is unusable. */
export type HotReadOutcome = 'hit' | 'miss' | 'bypass';
/** A read's outcome in the stored gold documents (asked only when the hot tier missed). */
export type StoredReadOutcome = 'hit' | 'miss';

export interface GoldReadCounts {
  hot: Record<HotReadOutcome, number>;
  stored: Record<StoredReadOutcome, number>;
}

/**
 * What a profile reader needs to read gold documents, shared by every operation of a
 * process: the stored documents, the hot tier in front of them (null when the deployment
 * runs without), this process's fences (no gold reads while one is outstanding), the
 * segment subjects a gold document takes computed traits and memberships from, and the
 * count of reads by layer and outcome.
 */
export class GoldAccess {
  readonly counts: GoldReadCounts = {
    hot: { hit: 0, miss: 0, bypass: 0 },
    stored: { hit: 0, miss: 0 },
  };

  constructor(
    readonly stored: StoredGoldDocuments,
    readonly hot: ProfileHotTier | null,
    readonly fences: GoldFences,
    readonly subjects: (profileIds: string[]) => Promise<Map<string, SegmentSubjectDoc>>,
    private readonly onRead: {
      hot?: (outcome: HotReadOutcome) => void;
      stored?: (outcome: StoredReadOutcome) => void;
    } = {},
  ) {}

  countHot(outcome: HotReadOutcome): void {
    this.counts.hot[outcome]++;
    this.onRead.hot?.(outcome);
  }

  countStored(outcome: StoredReadOutcome): void {
    this.counts.stored[outcome]++;
    this.onRead.stored?.(outcome);
  }

  /**
   * `op` on the hot tier; undefined when there is none or it cannot answer now (Redis
   * away or slow): the caller goes on with the stored documents.
   */
  async tryHot<T>(op: (tier: ProfileHotTier) => Promise<T>): Promise<T | undefined> {
    if (this.hot === null) return undefined;
    try {
      return await op(this.hot);
    } catch (err) {
      if (err instanceof HotTierUnavailable) return undefined;
      throw err;
    }
  }
}
