import { COMPARISONS, type ComparisonVector } from './comparisons';
import type { LevelParameters, MatchModel } from './matchModel';

export interface TrainingData {
  /** Comparison vectors of candidate pairs (sharing a blocking key): matches and non-matches. */
  candidates: ComparisonVector[];
  /** Comparison vectors of random pairs: almost all non-matches, so they estimate u. */
  random: ComparisonVector[];
  /**
   * Which candidates are linked deterministically (shared email, phone, id…): their share
   * is the starting prior, since those are known matches among the candidates.
   */
  deterministicShare: number;
  records: number;
}

const MAX_ITERATIONS = 100;
const CONVERGED = 1e-6;
/** No probability is estimated as exactly 0 or 1: a level never seen yet can still occur. */
const FLOOR = 1e-6;

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

  let prior = clamp(data.deterministicShare > 0 ? data.deterministicShare : previous.prior);
  let iterations = 0;
  for (; iterations < MAX_ITERATIONS && data.candidates.length > 0; iterations++) {
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
      if (total <= 0) return;
      levels[c.field] = levels[c.field].map((p: LevelParameters, l) => {
        const m = Math.max(mSums[i]![l]! / total, FLOOR);
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
    levels,
  };
}

function clamp(p: number): number {
  return Math.min(Math.max(p, 1e-4), 0.5);
}
