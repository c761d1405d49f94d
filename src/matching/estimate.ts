import { BLOCKING_KEY_FIELDS, type BlockingKeyKind } from './blockingKeys';
import { COMPARISONS, type ComparisonVector } from './comparisons';
import type { LevelParameters, MatchModel } from './matchModel';

/** A pair of records that share blocking keys, as training sees it. */
export interface CandidatePair {
  vector: ComparisonVector;
  /** The kinds of blocking key the two records share. */
  kinds: readonly BlockingKeyKind[];
}

export interface TrainingData {
  /** Candidate pairs (records sharing a blocking key): matches and non-matches. */
  candidates: CandidatePair[];
  /** Comparison vectors of random pairs: almost all non-matches, so they estimate u. */
  random: ComparisonVector[];
  /**
   * How many candidates are linked deterministically (shared email, phone, id, or name and
   * birth date): known matches. Without enough of them EM has nothing to tell matches by,
   * so m is not re-estimated.
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
/** Pseudo-pairs of the previous model's u added to the random pairs' counts (see `uFromRandom`). */
export const U_PRIOR_PAIRS = 2_000;
/** The prior is a chance per pair of records: at a million records, one in 10^12 pairs. */
export const MIN_PRIOR = 1e-12;
const MAX_PRIOR = 0.5;

const clampPrior = (p: number): number => Math.min(Math.max(p, MIN_PRIOR), MAX_PRIOR);

/**
 * Estimates m and u from the store's own data, without labels (Fellegi-Sunter with EM):
 * u per level from random pairs (smoothed counts), then m by expectation-maximisation over
 * the candidate pairs, u held fixed as Splink does, since random pairs measure it better
 * than EM can. A missing value is missing, not a disagreement: it is at no level, and
 * weighs on neither side of any step.
 *
 * EM runs once per kind of blocking key, over the pairs that kind brought together, and
 * leaves out the fields the key is made of: two strangers sharing a surname-and-city key
 * agree on surname and city far more often than random pairs do, and counted in, that
 * agreement would pass them off as matches (on messy data EM then called half the
 * candidates matches and every model flagged strangers). Each field's m is the average of
 * the kinds that did not block on it, weighted by their expected matches with the field.
 *
 * The prior is kept from `previous`: it is a chance per pair of records in the store, and
 * `estimatePrior` finds it once m is known.
 */
export function estimateModel(
  previous: MatchModel,
  data: TrainingData,
  version: number,
): MatchModel {
  // m starts as the previous model's (fitted to today's comparisons by the model store).
  const levels = uFromRandom(previous.levels, data.random, () => 1);

  // Without known matches, EM would call whatever cluster of agreements it finds "matches"
  // (common names, say): u is still learned, and m stays as it was.
  let iterations = 0;
  if (data.deterministicPairs >= MIN_KNOWN_MATCHES) {
    const sessions = [...pairsByKind(data.candidates)].map(([kind, vectors]) =>
      emSession(vectors, blockedComparisons(kind), levels),
    );
    iterations = Math.max(0, ...sessions.map((s) => s.iterations));
    COMPARISONS.forEach((c, i) => {
      levels[c.field] = levels[c.field].map((p: LevelParameters, l) => {
        let mass = 0;
        let sum = 0;
        for (const s of sessions) {
          mass += s.matchMass[i]!;
          sum += s.matchMass[i]! * s.m[i]![l]!;
        }
        return { m: mass > 0 ? Math.max(sum / mass, FLOOR) : p.m, u: p.u };
      });
    });
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
    prior: previous.prior,
    presence: data.presence,
    levels,
  };
}

/**
 * u per level again, from the random pairs each weighted by its chance of not being a
 * match under `model` (prior included): a store of people with three records each has a
 * true match in every few thousand random pairs, and those agree exactly on birth date
 * or email far more often than strangers do, so counted as strangers they made such an
 * agreement look a few times commoner among strangers than it is (an exact birth date
 * weighed 11 bits instead of 14 on the messy set). m is kept.
 */
export function decontaminatedU(
  model: MatchModel,
  random: ComparisonVector[],
): MatchModel['levels'] {
  const weights = COMPARISONS.map((c) => model.levels[c.field].map((p) => Math.log2(p.m / p.u)));
  const priorWeight = Math.log2(model.prior / (1 - model.prior));
  return uFromRandom(model.levels, random, (v) => {
    let total = priorWeight;
    for (let i = 0; i < v.length; i++) {
      const level = v[i];
      if (level !== null && level !== undefined) total += weights[i]![level]!;
    }
    return 1 - 1 / (1 + 2 ** -total);
  });
}

/**
 * u per level: the share of random pairs at each level, each pair counted `weight(v)`
 * (its chance of being a stranger), plus `U_PRIOR_PAIRS` pseudo-pairs spread as `start`'s
 * u (a Dirichlet prior): a small store's few hundred pairs that never happen to agree
 * on a birth date one digit off do not make that agreement a 12-bit certainty, and at
 * scale the data outweighs it. m is taken from `start`.
 */
function uFromRandom(
  start: MatchModel['levels'],
  random: ComparisonVector[],
  weight: (v: ComparisonVector) => number,
): MatchModel['levels'] {
  const counts = COMPARISONS.map((c) => start[c.field].map((p) => U_PRIOR_PAIRS * p.u));
  for (const v of random) {
    const w = weight(v);
    for (let i = 0; i < v.length; i++) {
      const level = v[i];
      if (level !== null && level !== undefined) counts[i]![level]! += w;
    }
  }
  const levels = {} as MatchModel['levels'];
  COMPARISONS.forEach((c, i) => {
    const n = counts[i]!.reduce((s, x) => s + x, 0);
    levels[c.field] = start[c.field].map((p, l) => ({
      m: p.m,
      u: Math.max(counts[i]![l]! / n, FLOOR),
    }));
  });
  return levels;
}

function pairsByKind(candidates: CandidatePair[]): Map<BlockingKeyKind, ComparisonVector[]> {
  const byKind = new Map<BlockingKeyKind, ComparisonVector[]>();
  for (const pair of candidates)
    for (const kind of pair.kinds) {
      const list = byKind.get(kind) ?? [];
      list.push(pair.vector);
      byKind.set(kind, list);
    }
  return byKind;
}

/** Indices (in `COMPARISONS` order) of the fields a kind of key is made of. */
function blockedComparisons(kind: BlockingKeyKind): Set<number> {
  const fields: readonly string[] = BLOCKING_KEY_FIELDS[kind];
  return new Set(COMPARISONS.flatMap((c, i) => (fields.includes(c.field) ? [i] : [])));
}

/**
 * EM over one kind's pairs with its own blocking fields left out: per comparison, the m it
 * settles on and the expected matches having that field (how much that m is worth).
 */
function emSession(
  vectors: ComparisonVector[],
  blocked: Set<number>,
  start: MatchModel['levels'],
): { m: number[][]; matchMass: number[]; iterations: number } {
  const previousM = COMPARISONS.map((c) => start[c.field].map((p) => p.m));
  const u = COMPARISONS.map((c) => start[c.field].map((p) => p.u));
  let m = previousM.map((levels) => [...levels]);
  let prior = 0.5;
  let matchMass = COMPARISONS.map(() => 0);
  let iterations = 0;
  for (; iterations < MAX_ITERATIONS; iterations++) {
    const mSums = COMPARISONS.map((c) => new Array<number>(c.levels.length).fill(0));
    let pSum = 0;
    for (const v of vectors) {
      let logOdds = Math.log(prior / (1 - prior));
      for (let i = 0; i < v.length; i++) {
        const level = v[i];
        if (level === null || level === undefined || blocked.has(i)) continue;
        logOdds += Math.log(m[i]![level]! / u[i]![level]!);
      }
      const posterior = 1 / (1 + Math.exp(-logOdds));
      pSum += posterior;
      for (let i = 0; i < v.length; i++) {
        const level = v[i];
        if (level !== null && level !== undefined && !blocked.has(i))
          mSums[i]![level]! += posterior;
      }
    }
    let delta = 0;
    matchMass = mSums.map((sums) => sums.reduce((s, x) => s + x, 0));
    m = m.map((levels, i) =>
      levels.map((before, l) => {
        if (blocked.has(i)) return before;
        const next = Math.max(
          (mSums[i]![l]! + M_PRIOR_WEIGHT * previousM[i]![l]!) / (matchMass[i]! + M_PRIOR_WEIGHT),
          FLOOR,
        );
        delta = Math.max(delta, Math.abs(next - before));
        return next;
      }),
    );
    const nextPrior = Math.min(Math.max(pSum / vectors.length, 1e-4), 1 - 1e-4);
    delta = Math.max(delta, Math.abs(nextPrior - prior));
    prior = nextPrior;
    if (delta < CONVERGED) break;
  }
  blocked.forEach((i) => (matchMass[i] = 0));
  return { m, matchMass, iterations };
}

/**
 * The prior: the chance that two records picked at random from the store are one person.
 * Scoring adds it to the evidence of every field, blocking fields included, so it must
 * not be the share of matches among candidates (that share already knows the records
 * agree on a key, and counting the key's fields again would merge strangers who share a
 * common name and a city). Estimated by EM over every pair of each sampled record, with
 * m and u fixed: pairs that share no key weigh nothing, and each candidate adds its
 * posterior. `weights`: per sampled record, each candidate's evidence in bits (the sum of
 * its fields' log2(m/u), as the matcher scores it); `records`: the records in the store.
 */
export function estimatePrior(start: number, weights: Float64Array[], records: number): number {
  const otherRecords = records - 1;
  if (weights.length === 0 || otherRecords < 1) return clampPrior(start);
  let prior = clampPrior(start);
  for (let i = 0; i < 10 * MAX_ITERATIONS; i++) {
    const priorWeight = Math.log2(prior / (1 - prior));
    let expected = 0;
    for (const candidates of weights)
      for (const w of candidates) expected += 1 / (1 + 2 ** -(priorWeight + w));
    const next = clampPrior(expected / (weights.length * otherRecords));
    if (Math.abs(next - prior) <= 1e-4 * prior) return next;
    prior = next;
  }
  return prior;
}
