import type { Logger } from 'pino';
import type { IdentityGraph } from '../identity/identityGraph';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { MatchEvidence } from '../store/models';
import { blockingKeys } from './blockingKeys';
import { matchValuesFromTraits, presentFields, type MatchValues } from './matchFields';
import type { IndexedRecord, MatchIndex, MatchOutcome } from './matchIndex';
import { scorePair, type MatchModel, type MatchThresholds, type PairScore } from './matchModel';
import type { ModelStore } from './modelStore';
import type { ReviewQueue } from './reviewQueue';

/** A record with fewer match fields than this is never matched probabilistically. */
export const MIN_MATCH_FIELDS = 2;
/** The first training happens once this many records are indexed; then each time the store doubles. */
export const FIRST_TRAINING_AT = 100;

export interface MatchResult {
  recordId: string;
  outcome: MatchOutcome | 'skipped';
  /** The best-scoring other cluster and its score, when there was a candidate. */
  candidate: { recordId: string; profileId: string; score: PairScore } | null;
  /** The live profile the record belongs to afterwards. */
  profileId: string;
  modelVersion: number;
}

/**
 * Probabilistic matching of one record on arrival: index it, find candidates through its
 * blocking keys, score each against the record (Fellegi-Sunter), and act on the best
 * other cluster: merge above the merge threshold, queue for review between the
 * thresholds, leave alone below. Runs after deterministic resolution, so the record is
 * already in a profile; a merge keeps the older profile's id, as every merge does.
 */
export class Matcher {
  constructor(
    private readonly deps: {
      index: MatchIndex;
      models: ModelStore;
      reviews: ReviewQueue;
      graph: IdentityGraph;
      store: IdentityGraphStore;
      thresholds: MatchThresholds;
      logger: Logger;
      /** Called when the store has grown enough since the last training (at most once per size). */
      onTrainingDue: (records: number) => void;
    },
  ) {}

  /** Indexes a record that carries traits (a CRM contact) and matches it. */
  async onRecord(
    recordId: string,
    profileId: string,
    traits: Record<string, unknown>,
  ): Promise<MatchResult> {
    const values = matchValuesFromTraits(traits);
    const model = await this.deps.models.latest();
    if (presentFields(values) < MIN_MATCH_FIELDS)
      return {
        recordId,
        outcome: 'skipped',
        candidate: null,
        profileId,
        modelVersion: model.version,
      };
    const keys = blockingKeys(values);
    const { changed, seq } = await this.deps.index.index(recordId, profileId, values, keys);
    this.checkTraining(seq, model);
    if (!changed) {
      // An unchanged re-send: its decision stands.
      const root = await this.deps.graph.rootOf(profileId);
      return {
        recordId,
        outcome: 'skipped',
        candidate: null,
        profileId: root,
        modelVersion: model.version,
      };
    }
    return this.decide({ recordId, profileId, seq, values }, keys, model);
  }

  /** Matches an indexed record again (after retraining, or from a queued job). */
  async rematch(record: IndexedRecord): Promise<MatchResult> {
    const model = await this.deps.models.latest();
    return this.decide(record, blockingKeys(record.values), model);
  }

  /** The best pair of records across two clusters, scored: the basis of an explanation. */
  async bestPair(
    membersA: string[],
    membersB: string[],
  ): Promise<{ a: IndexedRecord; b: IndexedRecord; score: PairScore; model: MatchModel } | null> {
    const model = await this.deps.models.latest();
    const records = await this.deps.index.recordsOfProfiles([...membersA, ...membersB]);
    const inA = new Set(membersA);
    const left = records.filter((r) => inA.has(r.profileId));
    const right = records.filter((r) => !inA.has(r.profileId));
    let best: { a: IndexedRecord; b: IndexedRecord; score: PairScore; model: MatchModel } | null =
      null;
    for (const a of left) {
      const tf = await this.termFrequency(a.values);
      for (const b of right) {
        const score = scorePair(model, a.values, b.values, tf);
        if (best === null || score.total > best.score.total) best = { a, b, score, model };
      }
    }
    return best;
  }

  get thresholds(): MatchThresholds {
    return this.deps.thresholds;
  }

  private async decide(
    record: IndexedRecord,
    keys: string[],
    model: MatchModel,
  ): Promise<MatchResult> {
    const { index, graph, reviews, thresholds } = this.deps;
    const [candidates, tf] = await Promise.all([
      index.candidates(keys, record.recordId),
      this.termFrequency(record.values),
    ]);
    const roots = await graph.rootsOf([record.profileId, ...candidates.map((c) => c.profileId)]);
    const ownRoot = roots.get(record.profileId)!;

    // The best-scoring record of each other cluster stands for the cluster.
    const best = new Map<string, { candidate: IndexedRecord; score: PairScore }>();
    for (const candidate of candidates) {
      const root = roots.get(candidate.profileId)!;
      if (root === ownRoot) continue;
      const score = scorePair(model, record.values, candidate.values, tf);
      const current = best.get(root);
      if (current === undefined || score.total > current.score.total)
        best.set(root, { candidate, score });
    }
    const ranked = [...best].sort(([, x], [, y]) => y.score.total - x.score.total);

    for (const [root, { candidate, score }] of ranked) {
      if (score.probability < thresholds.review) break;
      if (await this.rejected(ownRoot, root)) continue;
      const found = { recordId: candidate.recordId, profileId: root, score };
      if (score.probability >= thresholds.merge) {
        const merged = await this.merge(record, candidate, ownRoot, root, score, model);
        await Promise.all([
          reviews.supersede(record.recordId),
          index.noteDecision(record.recordId, model.version, 'merged'),
        ]);
        return {
          recordId: record.recordId,
          outcome: 'merged',
          candidate: found,
          profileId: merged,
          modelVersion: model.version,
        };
      }
      await reviews.open({
        recordId: record.recordId,
        profileId: record.profileId,
        candidateRecordId: candidate.recordId,
        candidateProfileId: candidate.profileId,
        probability: score.probability,
        score,
        modelVersion: model.version,
      });
      await index.noteDecision(record.recordId, model.version, 'review');
      return {
        recordId: record.recordId,
        outcome: 'review',
        candidate: found,
        profileId: ownRoot,
        modelVersion: model.version,
      };
    }
    await Promise.all([
      reviews.supersede(record.recordId),
      index.noteDecision(record.recordId, model.version, 'none'),
    ]);
    const top = ranked[0];
    return {
      recordId: record.recordId,
      outcome: 'none',
      candidate: top
        ? { recordId: top[1].candidate.recordId, profileId: top[0], score: top[1].score }
        : null,
      profileId: ownRoot,
      modelVersion: model.version,
    };
  }

  private async merge(
    record: IndexedRecord,
    candidate: IndexedRecord,
    ownRoot: string,
    otherRoot: string,
    score: PairScore,
    model: MatchModel,
  ): Promise<string> {
    const match: MatchEvidence = {
      recordId: record.recordId,
      otherRecordId: candidate.recordId,
      probability: score.probability,
      totalWeight: score.total,
      modelVersion: model.version,
      fields: score.fields.map((f) => ({ field: f.field, level: f.level, weight: f.weight })),
    };
    const strongest = score.fields
      .filter((f) => f.weight !== 0)
      .sort((x, y) => Math.abs(y.weight) - Math.abs(x.weight))
      .slice(0, 4)
      .map((f) => `${f.field} ${f.level} (${f.weight >= 0 ? '+' : ''}${f.weight.toFixed(1)})`);
    const outcome = await this.deps.graph.merge({
      a: ownRoot,
      b: otherRoot,
      reason: 'PROBABILISTIC',
      linkedBy: null,
      recordId: record.recordId,
      explanation:
        `Record ${record.recordId} matched record ${candidate.recordId} with probability ` +
        `${score.probability.toFixed(4)} (${score.total.toFixed(1)} bits, model v${model.version}; ` +
        `merge threshold ${this.deps.thresholds.merge}): ${strongest.join(', ')}.`,
      match,
    });
    const view = await this.deps.graph.materialise([outcome.root, ownRoot, otherRoot]);
    return view._id;
  }

  private async rejected(rootA: string, rootB: string): Promise<boolean> {
    const views = await this.deps.store.getProfiles([rootA, rootB]);
    const members = (id: string) => [id, ...(views.get(id)?.mergedFrom ?? [])];
    return this.deps.reviews.anyRejected(members(rootA), members(rootB));
  }

  private async termFrequency(values: MatchValues) {
    const frequencies = await this.deps.index.termFrequencies(values);
    return (field: string, value: string) => frequencies.get(`${field}\u0000${value}`);
  }

  private checkTraining(seq: number, model: MatchModel): void {
    const due = Math.max(FIRST_TRAINING_AT, model.trainedOn.records * 2);
    if (seq >= due) this.deps.onTrainingDue(seq);
  }
}
