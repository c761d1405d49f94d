import type { Logger } from 'pino';
import type { IdentityGraph, KnownState } from '../identity/identityGraph';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { MatchEvidence, ProfileDoc } from '../store/models';
import { blockingKeys } from './blockingKeys';
import { matchValuesFromTraits, presentFields, type MatchValues } from './matchFields';
import type { IndexedRecord, MatchIndex, MatchOutcome } from './matchIndex';
import {
  probabilityOf,
  RecordScorer,
  scorePair,
  scoreTotal,
  weightOf,
  type MatchModel,
  type MatchThresholds,
  type PairScore,
  type TermFrequency,
} from './matchModel';
import type { ModelStore } from './modelStore';
import type { ReviewQueue } from './reviewQueue';
import { TermCounts, termKey } from './termCounts';

/** A record with fewer match fields than this is never matched probabilistically. */
export const MIN_MATCH_FIELDS = 2;
/** The first training happens once this many records are indexed; then each time the store doubles. */
export const FIRST_TRAINING_AT = 100;
/** Records of each cluster compared when checking two clusters for a contradiction. */
const MAX_CONFLICT_RECORDS = 100;

export interface MatchResult {
  recordId: string;
  outcome: MatchOutcome | 'skipped';
  /** How many stored records shared a blocking key with it (and were scored). */
  candidates: number;
  /**
   * The best-scoring other cluster and its score: the one acted on, or, when none reached
   * the review threshold, the best of the candidates close enough to be scored in full
   * (null when none was).
   */
  candidate: { recordId: string; profileId: string; score: PairScore } | null;
  /** The live profile the record belongs to after a merge; null when matching changed nothing. */
  profileId: string | null;
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
  /** Records indexed, as last seen by this process: the population term frequencies are relative to. */
  private population = 0;
  /** Store size at which this process last asked for a training. */
  private trainingAskedAt = 0;

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
      /** Told every decision's outcome (`/metrics` counts them). */
      onDecision?: (outcome: MatchResult['outcome']) => void;
    },
  ) {}

  /**
   * Indexes a record that carries traits (a CRM contact) and matches it. `known`: what
   * resolving it just wrote (its profile's view, log entries, record version), which a
   * merge on arrival starts from instead of reading back.
   */
  async onRecord(
    recordId: string,
    profileId: string,
    traits: Record<string, unknown>,
    known: KnownState = {},
  ): Promise<MatchResult> {
    const values = matchValuesFromTraits(traits);
    const model = await this.deps.models.latest();
    const skipped = {
      recordId,
      outcome: 'skipped',
      candidates: 0,
      candidate: null,
      profileId: null,
      modelVersion: model.version,
    } as const;
    if (presentFields(values) < MIN_MATCH_FIELDS) return this.decided(skipped);
    const keys = blockingKeys(values);
    // Indexed before its candidates are read: of two duplicates arriving at once, the one
    // that reads second sees the first (read in parallel, both could miss each other).
    const { changed, seq, inserted } = await this.deps.index.index(
      recordId,
      profileId,
      values,
      keys,
      model.version,
    );
    this.population = Math.max(this.population, seq);
    this.checkTraining(seq, model);
    // An unchanged re-send: its decision stands.
    if (!changed) return this.decided(skipped);
    const evidence = await this.evidence(recordId, values, keys, model);
    return this.decided(
      await this.decide({ recordId, profileId, seq, values }, evidence, model, inserted, known),
    );
  }

  /**
   * Matches an indexed record again (after retraining, or from a queued job). A review it
   * had open goes unless the new decision queues one again (which replaces it): a newer
   * model that scores the pair outside the review band has answered it.
   */
  async rematch(record: IndexedRecord): Promise<MatchResult> {
    const model = await this.deps.models.latest();
    const evidence = await this.evidence(
      record.recordId,
      record.values,
      blockingKeys(record.values),
      model,
    );
    const result = await this.decide(record, evidence, model, false);
    if (result.outcome !== 'review') await this.deps.reviews.withdraw(record.recordId);
    return this.decided(result);
  }

  private decided(result: MatchResult): MatchResult {
    this.deps.onDecision?.(result.outcome);
    return result;
  }

  /** The record's candidates, and how common its values are. */
  private async evidence(recordId: string, values: MatchValues, keys: string[], model: MatchModel) {
    const [{ candidates, counts }, population] = await Promise.all([
      this.deps.index.evidence(keys, recordId, values),
      this.population === 0 ? this.deps.index.size() : this.population,
    ]);
    return { candidates, tf: this.termFrequency(values, counts, population, model) };
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
    const population = await this.deps.index.size();
    for (const a of left) {
      const counts = await this.deps.index.terms.stored(TermCounts.terms(a.values));
      const tf = this.termFrequency(a.values, counts, population, model);
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

  /**
   * Scores every candidate, then looks up clusters only for those worth acting on (at or
   * above the review threshold): most arrivals have none, and cost no store look-up.
   * `decidedAsNone` says the index already holds "no match by this model" for the record.
   */
  private async decide(
    record: IndexedRecord,
    evidence: Awaited<ReturnType<Matcher['evidence']>>,
    model: MatchModel,
    decidedAsNone: boolean,
    known: KnownState = {},
  ): Promise<MatchResult> {
    const { strong, scored } = this.rank(record, evidence, model);
    const result = (
      outcome: MatchResult['outcome'],
      top: { candidate: IndexedRecord; score: PairScore } | undefined,
      profileId: string | null,
      root?: string,
    ): MatchResult => ({
      recordId: record.recordId,
      outcome,
      candidates: evidence.candidates.length,
      candidate: top
        ? {
            recordId: top.candidate.recordId,
            profileId: root ?? top.candidate.profileId,
            score: top.score,
          }
        : null,
      profileId,
      modelVersion: model.version,
    });

    if (strong.length > 0) {
      const acted = await this.actOnStrong(record, strong, model, known);
      if (acted !== null) return result(acted.outcome, acted.top, acted.profileId, acted.root);
    }
    if (!decidedAsNone) await this.deps.index.settle(record.recordId, model.version, 'none');
    return result('none', scored[0], null);
  }

  /**
   * The candidates worth acting on (at or above the review threshold), best first, each
   * scored in full; and the ones to report: those, or else the best candidate (reported
   * even when it is not worth acting on).
   */
  private rank(
    record: IndexedRecord,
    { candidates, tf }: Awaited<ReturnType<Matcher['evidence']>>,
    model: MatchModel,
  ) {
    const { thresholds } = this.deps;
    // Only candidates that could reach the review threshold are scored in full: the rest
    // (nearly all, in a large store) are told apart by a few comparisons each.
    const cutoff = weightOf(thresholds.review);
    const scorer = new RecordScorer(model, record.values, tf);
    const ranked: { candidate: IndexedRecord; total: number }[] = [];
    for (const candidate of candidates) {
      const total = scorer.totalIfAtLeast(candidate.values, cutoff);
      if (total !== null) ranked.push({ candidate, total });
    }
    ranked.sort((x, y) => y.total - x.total);
    const full = (r: (typeof ranked)[number]) => ({
      candidate: r.candidate,
      score: scorePair(model, record.values, r.candidate.values, tf),
    });
    const strong = ranked.filter((r) => probabilityOf(r.total) >= thresholds.review).map(full);
    const scored = strong.length > 0 ? strong : ranked.slice(0, 1).map(full);
    return { strong, scored };
  }

  /**
   * Acts on the strong candidates, best first: the record joins every other cluster it
   * matches above the merge threshold, or, if the first cluster it meets is in the review
   * band, is queued for review. Clusters with a rejection against the record's are passed
   * over, and so are clusters a merge would contradict (see `contradicted`). Says what
   * was done and for which cluster (the first acted on); null: nothing.
   */
  private async actOnStrong(
    record: IndexedRecord,
    strong: { candidate: IndexedRecord; score: PairScore }[],
    model: MatchModel,
    known: KnownState,
  ): Promise<{
    outcome: 'merged' | 'review';
    top: { candidate: IndexedRecord; score: PairScore };
    profileId: string | null;
    root: string;
  } | null> {
    const { reviews, thresholds } = this.deps;
    const ids = [record.profileId, ...strong.map((s) => s.candidate.profileId)];
    const { roots, views } = await this.rootsAndViews(ids, known);
    let ownRoot = roots.get(record.profileId)!;
    // Profiles the record's cluster holds so far: a rejection of any of them counts.
    const members = await this.membersOf(ownRoot, views);
    // The best-scoring record of each other cluster stands for the cluster (sorted: first
    // wins). The record joins every cluster it matches above the merge threshold: two
    // clusters it links are one person, and copies arriving at once can each have
    // merged with a different one before this record was indexed. The first cluster
    // decides what is reported (and, in the review band, queued).
    const seen = new Set<string>([ownRoot]);
    let first: { s: (typeof strong)[number]; root: string } | null = null;
    // A strong pair whose clusters contradict each other: a person decides, if nothing
    // else is done with the record.
    let contradicted: { s: (typeof strong)[number]; root: string } | null = null;
    for (const s of strong) {
      const root = roots.get(s.candidate.profileId)!;
      if (seen.has(root)) continue;
      seen.add(root);
      if (first !== null && s.score.probability < thresholds.merge) break;
      const theirs = await this.membersOf(root, views);
      if (await reviews.anyRejected(members, theirs)) continue;
      if (s.score.probability >= thresholds.merge) {
        if (await this.contradicted(members, theirs, model)) {
          contradicted ??= { s, root };
          continue;
        }
        ownRoot = await this.merge(
          record,
          s.candidate,
          ownRoot,
          root,
          s.score,
          model,
          // What was read while deciding, and what resolution wrote, is current only for
          // the first merge.
          first === null ? { ...known, views } : {},
        );
        members.push(...theirs);
        first ??= { s, root };
        continue;
      }
      await this.queueForReview(record, s, model);
      return { outcome: 'review', top: s, profileId: null, root };
    }
    if (first !== null)
      return { outcome: 'merged', top: first.s, profileId: ownRoot, root: first.root };
    if (contradicted !== null) {
      await this.queueForReview(record, contradicted.s, model);
      return { outcome: 'review', top: contradicted.s, profileId: null, root: contradicted.root };
    }
    return null;
  }

  /**
   * Whether the clusters of two profiles can be joined by a merge now: not when they are
   * one cluster already (`same`), when someone rejected a pair across them, or when a pair
   * of their records contradicts (see `contradicted`).
   */
  async joinable(
    profileA: string,
    profileB: string,
  ): Promise<'joinable' | 'same' | 'rejected' | 'contradicted'> {
    const [model, { roots, views }] = await Promise.all([
      this.deps.models.latest(),
      this.rootsAndViews([profileA, profileB], {}),
    ]);
    const [rootA, rootB] = [roots.get(profileA)!, roots.get(profileB)!];
    if (rootA === rootB) return 'same';
    const [ours, theirs] = await Promise.all([
      this.membersOf(rootA, views),
      this.membersOf(rootB, views),
    ]);
    if (await this.deps.reviews.anyRejected(ours, theirs)) return 'rejected';
    return (await this.contradicted(ours, theirs, model)) ? 'contradicted' : 'joinable';
  }

  /**
   * Whether some record of one cluster and some record of the other score below the
   * conflict threshold: two people, whatever links their other records. Transitive
   * merging chains otherwise: A matches B on names and city, B matches C on names and
   * birth date, and A and C, with different emails and birth dates, end up one profile.
   * On messy data (#22) this check lets the merge threshold sit lower without the wrong
   * merges chaining brings (measured with `npm run eval:ceiling`). Exact agreements are
   * weighed at the model's u: what matters is the disagreements.
   */
  private async contradicted(
    ours: string[],
    theirs: string[],
    model: MatchModel,
  ): Promise<boolean> {
    const records = await this.deps.index.recordsOfProfiles([...ours, ...theirs]);
    const inOurs = new Set(ours);
    const left = records.filter((r) => inOurs.has(r.profileId)).slice(-MAX_CONFLICT_RECORDS);
    const right = records.filter((r) => !inOurs.has(r.profileId)).slice(-MAX_CONFLICT_RECORDS);
    const floor = weightOf(this.deps.thresholds.conflict);
    const atModelU: TermFrequency = () => undefined;
    return left.some((a) =>
      right.some((b) => scoreTotal(model, a.values, b.values, atModelU) < floor),
    );
  }

  /**
   * The live root of each of `ids`, and their views, read together. A profile that is its
   * own root (the usual case) has its members listed in its view, which the rejection
   * check needs. Views resolution just wrote (`known`) are not read again.
   */
  private async rootsAndViews(
    ids: string[],
    known: KnownState,
  ): Promise<{ roots: Map<string, string>; views: Map<string, ProfileDoc> }> {
    const knownViews = known.views ?? new Map<string, ProfileDoc>();
    const [roots, views] = await Promise.all([
      this.deps.graph.rootsOf(ids),
      this.deps.store.getProfiles(ids.filter((id) => !knownViews.has(id))),
    ]);
    for (const [id, view] of knownViews) if (!views.has(id)) views.set(id, view);
    return { roots, views };
  }

  /** Queues the pair for a person to decide, and notes that decision as pending. */
  private async queueForReview(
    record: IndexedRecord,
    s: { candidate: IndexedRecord; score: PairScore },
    model: MatchModel,
  ): Promise<void> {
    await this.deps.reviews.open({
      recordId: record.recordId,
      profileId: record.profileId,
      candidateRecordId: s.candidate.recordId,
      candidateProfileId: s.candidate.profileId,
      probability: s.score.probability,
      score: s.score,
      modelVersion: model.version,
    });
    await this.deps.index.noteDecision(record.recordId, model.version, 'review');
  }

  private async merge(
    record: IndexedRecord,
    candidate: IndexedRecord,
    ownRoot: string,
    otherRoot: string,
    score: PairScore,
    model: MatchModel,
    /** Views read while deciding, and what resolution wrote: the rebuild continues from them. */
    known: KnownState,
  ): Promise<string> {
    const views = known.views ?? new Map<string, ProfileDoc>();
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
      roots: { a: ownRoot, b: otherRoot },
      views,
    });
    const [view] = await Promise.all([
      this.deps.graph.materialise([outcome.root, ownRoot, otherRoot], {
        views,
        ...(outcome.pointer ? { pointers: [outcome.pointer] } : {}),
        appended: [...(outcome.intent ? [outcome.intent] : []), ...(known.appended ?? [])],
        ...(known.records ? { records: known.records } : {}),
      }),
      this.deps.index.settle(record.recordId, model.version, 'merged'),
    ]);
    return view._id;
  }

  /** The profiles a live root's cluster holds (`known`: views already read). */
  private async membersOf(root: string, known: Map<string, ProfileDoc>): Promise<string[]> {
    const view = known.get(root) ?? (await this.deps.store.getProfiles([root])).get(root);
    return [root, ...(view?.mergedFrom ?? [])];
  }

  private termFrequency(
    values: MatchValues,
    counts: Map<string, number>,
    population: number,
    model: MatchModel,
  ): TermFrequency {
    this.population = Math.max(this.population, population);
    const frequencies = this.deps.index.terms.frequencies(
      values,
      counts,
      this.population,
      model.presence ?? {},
    );
    return (field, value) => frequencies.get(termKey(field, value));
  }

  private checkTraining(seq: number, model: MatchModel): void {
    // Asked once per doubling: a training that kept the old model (see MatchTrainer) is not
    // asked for again on every record that follows.
    const due = Math.max(FIRST_TRAINING_AT, 2 * model.trainedOn.records, 2 * this.trainingAskedAt);
    if (seq < due) return;
    this.trainingAskedAt = seq;
    this.deps.onTrainingDue(seq);
  }
}
