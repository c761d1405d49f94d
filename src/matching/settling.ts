import type { Logger } from 'pino';
import type { Matcher } from './matcher';
import type { ReviewItem, ReviewQueue } from './reviewQueue';

/** Open reviews read per page while settling. */
const PAGE = 1_000;

export interface SettleReport {
  /** Open reviews at or above the settle threshold, by the model in use, when the pass began. */
  likely: number;
  merged: number;
  /** Already one profile (another merge joined them): closed as accepted. */
  alreadyOne: number;
  /** Left open for a person: a record of one cluster contradicts one of the other. */
  contradicted: number;
  /** Left open: someone rejected a pair across the two clusters. */
  rejected: number;
  /** Resolved by someone else during the pass, or failed (logged; still open). */
  skipped: number;
}

/**
 * Settling: likely pairs (open reviews scored at or above the settle threshold, below the
 * merge threshold) merged best first, each only if nothing contradicts it (see
 * `Matcher.joinable`). On arrival a record can only join what it finds then, in the order
 * records happen to arrive, and merging a likely pair at once makes later, stronger pairs
 * look contradicted; taken best first over a whole batch, with the conflict check, the same
 * pairs give far fewer wrong merges (measured with `npm run eval:ceiling`). A pair its
 * clusters contradict stays in the queue for a person.
 */
export async function settleLikelyPairs(deps: {
  reviews: ReviewQueue;
  matcher: Matcher;
  threshold: number;
  /**
   * The model in use: reviews scored by an older one wait for their record's rematch
   * (which the training that made this model runs), which replaces or withdraws them.
   */
  modelVersion: number;
  logger: Logger;
  /** Merges the pair of an open review (false: it was not open any more). */
  accept(item: ReviewItem): Promise<boolean>;
  /** Closes an open review whose profiles are one already. */
  close(item: ReviewItem): Promise<void>;
}): Promise<SettleReport> {
  const likely: ReviewItem[] = [];
  for (let after: string | null = null; ;) {
    const page = await deps.reviews.listOpen(after, PAGE);
    likely.push(
      ...page.filter(
        (item) => item.probability >= deps.threshold && item.modelVersion === deps.modelVersion,
      ),
    );
    if (page.length < PAGE) break;
    after = page.at(-1)!.id;
  }
  // Best first; ties in queue order, so a pass over the same queue acts the same way.
  likely.sort((x, y) => y.probability - x.probability || (BigInt(x.id) < BigInt(y.id) ? -1 : 1));
  const report: SettleReport = {
    likely: likely.length,
    merged: 0,
    alreadyOne: 0,
    contradicted: 0,
    rejected: 0,
    skipped: 0,
  };
  for (const item of likely) {
    try {
      const verdict = await deps.matcher.joinable(item.profileId, item.candidateProfileId);
      if (verdict === 'same') {
        await deps.close(item);
        report.alreadyOne++;
      } else if (verdict === 'joinable') {
        if (await deps.accept(item)) report.merged++;
        else report.skipped++;
      } else {
        report[verdict]++;
      }
    } catch (err) {
      deps.logger.warn({ err, review: item.id }, 'could not settle a likely pair; left open');
      report.skipped++;
    }
  }
  return report;
}
