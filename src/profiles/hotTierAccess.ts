import type { SegmentSubjectDoc } from '../store/models';
import { HotTierUnavailable, type ProfileHotTier } from './hotTier';
import type { HotTierFences } from './hotTierFences';

export type HotReadOutcome = 'hit' | 'miss' | 'bypass';

/**
 * What a profile reader needs to read through the hot tier, shared by every operation of
 * a process: the tier, this process's fences (no reads while one is outstanding), the
 * segment subjects a gold document takes computed traits and memberships from, and the
 * count of reads by outcome (hits, misses, and bypasses while the tier is unusable).
 */
export class HotTierAccess {
  readonly counts: Record<HotReadOutcome, number> = { hit: 0, miss: 0, bypass: 0 };

  constructor(
    readonly tier: ProfileHotTier,
    readonly fences: HotTierFences,
    readonly subjects: (profileIds: string[]) => Promise<Map<string, SegmentSubjectDoc>>,
    private readonly onRead: (outcome: HotReadOutcome) => void = () => undefined,
  ) {}

  count(outcome: HotReadOutcome): void {
    this.counts[outcome]++;
    this.onRead(outcome);
  }

  /** Whether an error came from the tier (read the store instead) rather than the store. */
  isUnreachable(err: unknown): boolean {
    return err instanceof HotTierUnavailable;
  }
}
