import { COMPARISONS, type ComparisonVector } from './comparisons';
import type { LevelParameters, MatchModel } from './matchModel';

export interface TrainingData {
  /** Comparison vectors of candidate pairs (sharing a blocking key): matches and non-matches. */
  candidates: ComparisonVector[];
  /** Comparison vectors of random pairs: almost all non-matches, so they estimate u. */
  random: ComparisonVector[];
  /**
   * How many candidates are linked deterministically (shared email, phone, id, or name and
   * birth date): known matches. Their share is the prior EM starts from, and without
   * enough of them EM has nothing to tell matches by, so m is not re-estimated.
   */
  deterministicPairs: number;
  records: number;
  /** Share of records having each field, from the random sample. */
  presence: MatchModel['presence'];
}

const MAX_ITERATIONS = 100;
const CONVERGED = 1e-6;
/** No probability is estimated as exactly 0 or 1: a level never seen yet can still occur. */
const FLOOR = 1e-6;
/** Known matches needed before m is learned from the data rather than kept. */
export const MIN_KNOWN_MATCHES = 20;
/**
 * Pseudo-pairs of the previous model's m added to every M-step (a Dirichlet prior): a few
 * odd pairs cannot swing a level, and m moves only as far as the data insists.
 */
const M_PRIOR_WEIGHT = 20;
/**
 * Pseudo-pairs at the previous prior added to the candidate pairs when the prior is
 * estimated from known matches alone: a small sample cannot swing it far.
 */
const PRIOR_PSEUDO_PAIRS = 100;

/**
 * Estimates a model from the store's own data, without labels (Fellegi-Sunter with EM):
 * u per level from random pairs (smoothed counts), then m and the prior by expectation-
 * maximisation over the candidate pairs, u held fixed as Splink does, since random pairs
 * measure it better than EM can.
 */
export function estimateModel(
  previous: MatchModel,
  data: TrainingData,
  version: number,
): MatchModel {
  const levels = {} as MatchModel['levels'];
  COMPARISONS.forEach((c, i) => {
    const counts = new Array<number>(c.levels.length).fill(1); // Laplace smoothing
    for (const v of data.random) {
      const level = v[i];
      if (level !== null && level !== undefined) counts[level]!++;
    }
    const n = counts.reduce((s, x) => s + x, 0);
    levels[c.field] = counts.map((k, l) => ({
      m: previous.levels[c.field][l]?.m ?? 1 / c.levels.length,
      u: Math.max(k / n, FLOOR),
    }));
  });

  const share = data.candidates.length > 0 ? data.deterministicPairs / data.candidates.length : 0;
  // Without known matches, EM would call whatever cluster of agreements it finds "matches"
  // (common names, say): u is still learned, and m stays as it was. The prior still follows
  // the store: the known matches' share of its candidate pairs (shrunk towards the previous
  // prior when the sample is small). Known matches are a subset of the matches, so this
  // errs low, on the side of missed merges; keeping the previous prior instead let a large
  // store with few duplicates, whose blocks hold hundreds of strangers per record, merge
  // strangers on a few coinciding fields (3 in 4,000 arrivals at 1M stored, on 0.01).
  const learnM = data.deterministicPairs >= MIN_KNOWN_MATCHES;
  let prior = learnM
    ? clamp(share)
    : clamp(
        (data.deterministicPairs + PRIOR_PSEUDO_PAIRS * previous.prior) /
          (data.candidates.length + PRIOR_PSEUDO_PAIRS),
      );
  let iterations = 0;
  for (; learnM && iterations < MAX_ITERATIONS; iterations++) {
    const mSums = COMPARISONS.map((c) => new Array<number>(c.levels.length).fill(0));
    let pSum = 0;
    for (const v of data.candidates) {
      let logMatch = Math.log(prior);
      let logNon = Math.log(1 - prior);
      COMPARISONS.forEach((c, i) => {
        const level = v[i];
        if (level === null || level === undefined) return;
        const p = levels[c.field][level]!;
        logMatch += Math.log(p.m);
        logNon += Math.log(p.u);
      });
      const posterior = 1 / (1 + Math.exp(logNon - logMatch));
      pSum += posterior;
      v.forEach((level, i) => {
        if (level !== null) mSums[i]![level]! += posterior;
      });
    }
    let delta = 0;
    COMPARISONS.forEach((c, i) => {
      const total = mSums[i]!.reduce((s, x) => s + x, 0);
      const before = previous.levels[c.field];
      levels[c.field] = levels[c.field].map((p: LevelParameters, l) => {
        const prior = before[l]?.m ?? 1 / c.levels.length;
        const m = Math.max(
          (mSums[i]![l]! + M_PRIOR_WEIGHT * prior) / (total + M_PRIOR_WEIGHT),
          FLOOR,
        );
        delta = Math.max(delta, Math.abs(m - p.m));
        return { m, u: p.u };
      });
    });
    const nextPrior = clamp(pSum / data.candidates.length);
    delta = Math.max(delta, Math.abs(nextPrior - prior));
    prior = nextPrior;
    if (delta < CONVERGED) break;
  }

  return {
    version,
    trainedAt: new Date(),
    trainedOn: {
      records: data.records,
      candidatePairs: data.candidates.length,
      randomPairs: data.random.length,
      iterations,
    },
    prior,
    presence: data.presence,
    levels,
  };
}

function clamp(p: number): number {
  return Math.min(Math.max(p, 1e-4), 0.5);
}
