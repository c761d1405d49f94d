import type { Logger } from 'pino';
import { ErrorCode, MosaicError, badInput } from '../errors';
import type { IdentityGraph } from '../identity/identityGraph';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { MatchField, MatchValues } from './matchFields';
import type { MatchIndex } from './matchIndex';
import { probabilityOf, type MatchThresholds } from './matchModel';
import { Matcher, type MatchResult } from './matcher';
import type { ModelStore } from './modelStore';
import type { ReviewItem, ReviewQueue } from './reviewQueue';
import { settleLikelyPairs, type SettleReport } from './settling';
import { MatchTrainer } from './trainer';

export const MAX_REVIEW_PAGE = 100;

export interface MatchExplanation {
  profileA: string;
  profileB: string;
  recordA: string;
  recordB: string;
  modelVersion: number;
  priorWeight: number;
  fields: {
    field: MatchField;
    level: string | null;
    valueA: string | null;
    valueB: string | null;
    weight: number;
    m: number | null;
    u: number | null;
    termFrequency: number | null;
  }[];
  totalWeight: number;
  probability: number;
  thresholds: MatchThresholds;
  decision: 'MERGE' | 'REVIEW' | 'NO_MATCH';
  waterfall: { label: string; weight: number; cumulative: number; probability: number }[];
  rejected: boolean;
}

/** What matching keeps, opened together (`openMatchingStores` in `store/postgres`). */
export interface MatchingStores {
  /** The blocking index, with the term counts that follow it. */
  index: MatchIndex;
  models: ModelStore;
  reviews: ReviewQueue;
}

/**
 * Probabilistic matching as the rest of Mosaic sees it: the matcher (on arrival), the
 * trainer (a worker job), explanations and the review queue.
 */
export class MatchingService {
  readonly index: MatchIndex;
  readonly models: ModelStore;
  readonly reviews: ReviewQueue;
  readonly matcher: Matcher;
  readonly trainer: MatchTrainer;

  constructor(
    private readonly deps: {
      stores: MatchingStores;
      graph: IdentityGraph;
      store: IdentityGraphStore;
      thresholds: MatchThresholds;
      logger: Logger;
      /** Asks for a training (the gateway queues a job; the evaluation trains inline). */
      onTrainingDue: (records: number) => void;
      /** Told every matching decision's outcome. */
      onDecision?: (outcome: MatchResult['outcome']) => void;
    },
  ) {
    this.index = deps.stores.index;
    this.models = deps.stores.models;
    this.reviews = deps.stores.reviews;
    this.matcher = new Matcher({
      index: this.index,
      models: this.models,
      reviews: this.reviews,
      graph: deps.graph,
      store: deps.store,
      thresholds: deps.thresholds,
      logger: deps.logger,
      onTrainingDue: deps.onTrainingDue,
      onDecision: deps.onDecision,
    });
    this.trainer = new MatchTrainer({
      index: this.index,
      models: this.models,
      matcher: this.matcher,
      logger: deps.logger,
      reviewThreshold: deps.thresholds.review,
    });
  }

  /** Writes buffered term counts and stops the flush timer. */
  close(): Promise<void> {
    return this.index.terms.close();
  }

  /** The best-scoring pair of records across the two profiles, field by field; null when either has none. */
  async explain(profileA: string, profileB: string): Promise<MatchExplanation | null> {
    const { graph, store, thresholds } = this.deps;
    const roots = await graph.rootsOf([profileA, profileB]);
    const [rootA, rootB] = [roots.get(profileA)!, roots.get(profileB)!];
    const views = await store.getProfiles([rootA, rootB]);
    for (const [field, id, root] of [
      ['profileA', profileA, rootA],
      ['profileB', profileB, rootB],
    ] as const) {
      if (!views.has(root))
        throw new MosaicError(ErrorCode.NOT_FOUND, `${field}: no profile ${id}`, field);
    }
    if (rootA === rootB)
      throw badInput('profileB', `${profileB} is the same profile as ${profileA} (${rootA})`);
    const members = (root: string) => [root, ...views.get(root)!.mergedFrom];
    const [best, rejected] = await Promise.all([
      this.matcher.bestPair(members(rootA), members(rootB)),
      this.reviews.anyRejected(members(rootA), members(rootB)),
    ]);
    if (best === null) return null;
    const { a, b, score, model } = best;
    let cumulative = score.priorWeight;
    const waterfall = [
      {
        label: 'prior',
        weight: score.priorWeight,
        cumulative,
        probability: probabilityOf(cumulative),
      },
    ];
    for (const f of score.fields) {
      if (f.level === null) continue;
      cumulative += f.weight;
      waterfall.push({
        label: `${f.field}: ${f.level}`,
        weight: f.weight,
        cumulative,
        probability: probabilityOf(cumulative),
      });
    }
    const value = (v: MatchValues, field: MatchField) => v[field] ?? null;
    return {
      profileA: rootA,
      profileB: rootB,
      recordA: a.recordId,
      recordB: b.recordId,
      modelVersion: model.version,
      priorWeight: score.priorWeight,
      fields: score.fields.map((f) => ({
        ...f,
        valueA: value(a.values, f.field),
        valueB: value(b.values, f.field),
      })),
      totalWeight: score.total,
      probability: score.probability,
      thresholds,
      decision:
        score.probability >= thresholds.merge
          ? 'MERGE'
          : score.probability >= thresholds.review
            ? 'REVIEW'
            : 'NO_MATCH',
      waterfall,
      rejected,
    };
  }

  async reviewPage(
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<{ items: ReviewItem[]; hasNextPage: boolean }> {
    const size = first ?? 20;
    if (!Number.isInteger(size) || size < 0 || size > MAX_REVIEW_PAGE)
      throw badInput('first', `must be between 0 and ${MAX_REVIEW_PAGE}, got ${size}`);
    if (after != null && !/^\d{1,18}$/.test(after))
      throw badInput('after', `"${after.slice(0, 64)}" is not a cursor returned by this API`);
    const items = await this.reviews.listOpen(after ?? null, size + 1);
    return { items: items.slice(0, size), hasNextPage: items.length > size };
  }

  /**
   * Accept: merge the two profiles (reason MANUAL, the score kept in the merge log).
   * Reject: remember that they are different people.
   */
  async resolveReview(id: string, decision: 'ACCEPT' | 'REJECT', by: string): Promise<ReviewItem> {
    const item = await this.reviews.get(id);
    if (item === null) throw new MosaicError(ErrorCode.NOT_FOUND, `id: no review ${id}`, 'id');
    if (item.status !== 'open')
      throw new MosaicError(ErrorCode.CONFLICT, `id: review ${id} is already ${item.status}`, 'id');
    const status = decision === 'ACCEPT' ? 'accepted' : 'rejected';
    const acted = await this.decideReview(item, status, async () => {
      if (decision === 'ACCEPT')
        await this.mergePair(
          item,
          'MANUAL',
          `Review ${id} accepted by ${by}: record ${item.recordId} and record ` +
            `${item.candidateRecordId} are one person (match probability ${item.probability.toFixed(4)}).`,
        );
      else
        await this.reviews.reject(
          item.profileId,
          item.candidateProfileId,
          `review ${id} rejected by ${by}`,
        );
    });
    if (!acted)
      throw new MosaicError(ErrorCode.CONFLICT, `id: review ${id} was resolved concurrently`, 'id');
    return { ...item, status, resolvedAt: new Date() };
  }

  /**
   * Merges the likely pairs waiting in the review queue, best first, where nothing
   * contradicts them (see `settleLikelyPairs`): run by the identity worker on a schedule
   * and after each training's rematch.
   */
  async settle(): Promise<SettleReport> {
    const { thresholds, logger } = this.deps;
    return settleLikelyPairs({
      reviews: this.reviews,
      matcher: this.matcher,
      threshold: thresholds.settle,
      modelVersion: (await this.models.latest()).version,
      logger,
      accept: (item) =>
        this.decideReview(item, 'accepted', () =>
          this.mergePair(
            item,
            'PROBABILISTIC',
            `Record ${item.recordId} matched record ${item.candidateRecordId} with probability ` +
              `${item.probability.toFixed(4)} (model v${item.modelVersion}), settled: at or above ` +
              `the settle threshold ${thresholds.settle}, best first, and no record of either ` +
              `profile contradicts the other's.`,
          ),
        ),
      close: async (item) => void (await this.decideReview(item, 'accepted', async () => {})),
    });
  }

  /**
   * Claims an open review (so two deciders cannot both act on it), acts on the decision,
   * and notes it as the record's decision, and its reverse's (the same pair queued the other
   * way round is answered too). Reopened if acting fails. False: it was not open any more.
   */
  private async decideReview(
    item: ReviewItem,
    status: 'accepted' | 'rejected',
    act: () => Promise<void>,
  ): Promise<boolean> {
    const resolved = await this.reviews.resolve(item.id, status);
    if (resolved === null) return false;
    const decision = status === 'accepted' ? 'merged' : 'none';
    try {
      await act();
      await this.index.noteDecision(item.recordId, item.modelVersion, decision);
      if (resolved.reverse !== null)
        await this.index.noteDecision(resolved.reverse.recordId, item.modelVersion, decision);
    } catch (err) {
      await this.reviews.reopen(item.id, status, resolved.reverse?.id);
      throw err;
    }
    return true;
  }

  /** Merges the two profiles of a review, the pair's score kept in the merge log. */
  private async mergePair(
    item: ReviewItem,
    reason: 'MANUAL' | 'PROBABILISTIC',
    explanation: string,
  ): Promise<void> {
    const { graph } = this.deps;
    const outcome = await graph.merge({
      a: item.profileId,
      b: item.candidateProfileId,
      reason,
      linkedBy: null,
      recordId: item.recordId,
      explanation,
      match: {
        recordId: item.recordId,
        otherRecordId: item.candidateRecordId,
        probability: item.probability,
        totalWeight: item.score.total,
        modelVersion: item.modelVersion,
        fields: item.score.fields.map((f) => ({
          field: f.field,
          level: f.level,
          weight: f.weight,
        })),
      },
    });
    await graph.materialise([outcome.root, item.profileId, item.candidateProfileId]);
  }
}
