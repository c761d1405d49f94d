import { COMPARISONS, compareValues, type FieldComparison } from './comparisons';
import type { MatchField, MatchValues } from './matchFields';

/** Per comparison level: P(level | match) and P(level | non-match). */
export interface LevelParameters {
  m: number;
  u: number;
}

/**
 * A Fellegi-Sunter model: per field and level the m and u probabilities, and the prior
 * probability that two candidates (records sharing a blocking key) are the same person.
 * Versioned: every training stores a new version; decisions name the version they used.
 */
export interface MatchModel {
  version: number;
  trainedAt: Date | null;
  /** What the parameters were estimated from. */
  trainedOn: { records: number; candidatePairs: number; randomPairs: number; iterations: number };
  prior: number;
  /** Share of records that have each field (term frequencies are relative to those). */
  presence?: Partial<Record<MatchField, number>>;
  /** Per comparison (in `COMPARISONS` order), per level. */
  levels: Record<MatchField, LevelParameters[]>;
}

/** Where a pair must score to be merged automatically, or to be put before a person. */
export interface MatchThresholds {
  /** Match probability at or above which two profiles are merged on arrival. */
  merge: number;
  /** Match probability at or above which (and below `merge`) the pair is queued for review. */
  review: number;
  /**
   * Match probability at or above which a queued pair is merged by settling (best first,
   * if nothing contradicts it; see `settleLikelyPairs`). Equal to `merge`: never.
   */
  settle: number;
  /**
   * Match probability below which a pair of records keeps their two clusters apart, however
   * well other records of the two match (see `Matcher.contradicted`).
   */
  conflict: number;
}

/** How common a value is among stored records: the chance a random record has it. */
export type TermFrequency = (field: MatchField, value: string) => number | undefined;

export interface FieldWeight {
  field: MatchField;
  /** The comparison level, or null when either side lacks the value. */
  level: string | null;
  /** log2(m/u): the evidence this field adds, in bits (0 when missing). */
  weight: number;
  m: number | null;
  u: number | null;
  /** Set when the u of an exact agreement was the value's own frequency. */
  termFrequency: number | null;
}

export interface PairScore {
  /** log2 of the prior odds. */
  priorWeight: number;
  fields: FieldWeight[];
  /** Prior plus every field's weight: log2 of the posterior odds. */
  total: number;
  probability: number;
}

/** u of a term-frequency-adjusted exact match is never taken below this (unseen values). */
const MIN_TF_U = 1e-5;

/**
 * Defaults used until the store holds enough records to train on: cautious values of the
 * kind seen on person data (m: agreement among true matches despite typos; u: chance
 * agreement between different people). Training replaces all of them.
 */
const DEFAULT_LEVELS: Record<MatchField, [number, number][]> = {
  givenName: [
    [0.83, 0.01],
    [0.06, 0.005],
    [0.02, 0.0005],
    [0.02, 0.001],
    [0.03, 0.05],
    [0.04, 0.9335],
  ],
  surname: [
    [0.85, 0.005],
    [0.06, 0.003],
    [0.02, 0.0005],
    [0.001, 0.0001],
    [0.029, 0.04],
    [0.04, 0.9514],
  ],
  birthDate: [
    [0.8, 0.0005],
    [0.1, 0.005],
    [0.02, 0.0002],
    [0.02, 0.002],
    [0.03, 0.05],
    [0.03, 0.9423],
  ],
  nationalId: [
    [0.85, 0.0001],
    [0.08, 0.0005],
    [0.03, 0.005],
    [0.04, 0.9944],
  ],
  streetNumber: [
    [0.85, 0.05],
    [0.15, 0.95],
  ],
  street: [
    [0.8, 0.002],
    [0.1, 0.01],
    [0.1, 0.988],
  ],
  locality: [
    [0.75, 0.002],
    [0.1, 0.01],
    [0.15, 0.988],
  ],
  city: [
    [0.8, 0.01],
    [0.1, 0.02],
    [0.1, 0.97],
  ],
  postcode: [
    [0.85, 0.005],
    [0.08, 0.02],
    [0.07, 0.975],
  ],
  region: [
    [0.9, 0.2],
    [0.1, 0.8],
  ],
  email: [
    [0.85, 0.0001],
    [0.08, 0.0005],
    [0.03, 0.0005],
    [0.04, 0.9989],
  ],
  phone: [
    [0.85, 0.0001],
    [0.15, 0.9999],
  ],
};

export function defaultModel(): MatchModel {
  const levels = {} as Record<MatchField, LevelParameters[]>;
  for (const c of COMPARISONS) {
    levels[c.field] = DEFAULT_LEVELS[c.field].map(([m, u]) => ({ m, u }));
  }
  return {
    version: 0,
    trainedAt: null,
    trainedOn: { records: 0, candidatePairs: 0, randomPairs: 0, iterations: 0 },
    prior: 0.01,
    levels,
  };
}

/**
 * A stored model as the comparisons of this code can use it. A model trained before a
 * field's levels changed (a level added, say) cannot weigh that field: the field takes the
 * default levels, and the model counts as trained on no records, so the next record asks
 * for a training that replaces it. Fields whose levels are unchanged keep their estimates.
 */
export function fittedToComparisons(model: MatchModel): MatchModel {
  const defaults = defaultModel();
  const stale = COMPARISONS.filter((c) => model.levels[c.field]?.length !== c.levels.length).map(
    (c) => c.field,
  );
  if (stale.length === 0) return model;
  const levels = { ...model.levels };
  for (const field of stale) levels[field] = defaults.levels[field];
  return { ...model, levels, trainedOn: { ...model.trainedOn, records: 0 } };
}

const log2 = Math.log2;

export function probabilityOf(totalWeight: number): number {
  return 1 / (1 + 2 ** -totalWeight);
}

/**
 * Scores a pair: the sum of per-field log-likelihood ratios plus the prior, each field's
 * part kept for the explanation. An exact agreement on a term-frequency field is weighed
 * by how common the value is (agreeing on "smith" says less than on "zyskowski").
 */
export function scorePair(
  model: MatchModel,
  a: MatchValues,
  b: MatchValues,
  tf: TermFrequency,
): PairScore {
  const vector = compareValues(a, b);
  const priorWeight = priorWeightOf(model);
  let total = priorWeight;
  const fields = COMPARISONS.map((c, i): FieldWeight => {
    const level = vector[i] ?? null;
    if (level === null)
      return { field: c.field, level: null, weight: 0, m: null, u: null, termFrequency: null };
    const p = model.levels[c.field][level]!;
    const f = exactTermFrequency(c, level, a, tf);
    const weight = levelWeight(model, c, level, a, tf);
    total += weight;
    // u as weighed: a level held to the exact agreement's weight shows the u that gives it.
    const u = p.m / 2 ** weight;
    return { field: c.field, level: c.levels[level]!, weight, m: p.m, u, termFrequency: f ?? null };
  });
  return { priorWeight, fields, total, probability: probabilityOf(total) };
}

/**
 * The total of `scorePair` alone, with nothing allocated: the reference `RecordScorer`
 * is held to (it ranks candidates; the full score, with its explanation, is built only
 * for the few worth acting on).
 */
export function scoreTotal(
  model: MatchModel,
  a: MatchValues,
  b: MatchValues,
  tf: TermFrequency,
): number {
  let total = priorWeightOf(model);
  for (const c of COMPARISONS) {
    const level = c.compare(a, b);
    if (level !== null) total += levelWeight(model, c, level, a, tf);
  }
  return total;
}

/**
 * log2(m/u) of a pair at `level` of comparison `c`, for record `a`: an exact agreement is
 * weighed by how common a's value is; any other level never weighs more than that exact
 * agreement would (a name found in the other field, or spelled a little differently, is
 * not stronger evidence than the name itself: a rare level's u, measured on strangers,
 * once made a swapped "lee" weigh 15 bits where an exact "lee" weighs 6).
 */
function levelWeight(
  model: MatchModel,
  c: FieldComparison,
  level: number,
  a: MatchValues,
  tf: TermFrequency,
): number {
  const weightAt = (l: number) => {
    const p = model.levels[c.field][l]!;
    // Without a value of its own the record never agrees exactly: no frequency to ask.
    const f = a[c.field] === undefined ? undefined : exactTermFrequency(c, l, a, tf);
    return log2(p.m / (f === undefined ? p.u : Math.max(f, MIN_TF_U)));
  };
  const exact = weightAt(0);
  return level === 0 ? exact : Math.min(weightAt(level), exact);
}

const priorWeightOf = (model: MatchModel): number => log2(model.prior / (1 - model.prior));

/** The frequency of the agreed value, when the pair agrees exactly on a term-frequency field. */
function exactTermFrequency(
  c: FieldComparison,
  level: number,
  a: MatchValues,
  tf: TermFrequency,
): number | undefined {
  return level === 0 && c.termFrequency ? tf(c.field, a[c.field]!) : undefined;
}

/**
 * Per model, for each comparison (in `COMPARISONS` order): the most a pair of present,
 * different values can weigh (the best of its levels below "exact"), and the comparisons
 * ordered by that, largest first. Computed once per model version.
 */
const inexactBounds = new WeakMap<MatchModel, { best: Float64Array; order: Uint8Array }>();

function boundsOf(model: MatchModel): { best: Float64Array; order: Uint8Array } {
  let bounds = inexactBounds.get(model);
  if (bounds === undefined) {
    const best = new Float64Array(COMPARISONS.length);
    COMPARISONS.forEach((c, i) => {
      const weights = model.levels[c.field].slice(1).map((p) => log2(p.m / p.u));
      best[i] = Math.max(...weights, ...(c.abstains ? [0] : []));
    });
    const order = Uint8Array.from(COMPARISONS.map((_, i) => i).sort((x, y) => best[y]! - best[x]!));
    bounds = { best, order };
    inexactBounds.set(model, bounds);
  }
  return bounds;
}

/**
 * One record scored against many candidates (its blocking look-up's results), with what
 * depends only on the record worked out once: each comparison level's weight, the
 * term-frequency-adjusted exact agreements included (their u is the frequency of the
 * record's own value). Per candidate, scoring is then table look-ups plus the string
 * metrics of the fields that differ, and most candidates are dropped before all of those.
 */
export class RecordScorer {
  private readonly prior: number;
  /** Per comparison (in `COMPARISONS` order), per level: log2(m/u) against this record. */
  private readonly weights: Float64Array[];
  private readonly bounds: { best: Float64Array; order: Uint8Array };
  /** Levels placed for the candidate being scored: scratch, reused across candidates. */
  private readonly levels = new Int8Array(COMPARISONS.length);

  constructor(
    model: MatchModel,
    private readonly a: MatchValues,
    tf: TermFrequency,
  ) {
    this.prior = priorWeightOf(model);
    this.bounds = boundsOf(model);
    // The same expression as `scoreTotal`'s, so that sums of these are bit-for-bit its total.
    this.weights = COMPARISONS.map((c) =>
      Float64Array.from(model.levels[c.field], (_, level) => levelWeight(model, c, level, a, tf)),
    );
  }

  /**
   * `scoreTotal` for a candidate that can reach `cutoff`, and null for one that cannot,
   * found without comparing every field: most candidates are strangers, and proving that
   * is cheaper than scoring them. Equal and missing values are weighed first (no string
   * metric needed); each remaining field could at best weigh its strongest inexact level,
   * and those are compared largest-possible first until even the best outcome of the rest
   * leaves the total below `cutoff`. The total returned is summed in `COMPARISONS` order,
   * as `scoreTotal` sums it, so it is exactly the one ranking and explanations use.
   */
  totalIfAtLeast(b: MatchValues, cutoff: number): number | null {
    const { a, weights, levels } = this;
    const { best, order } = this.bounds;
    let placed = this.prior;
    let open = 0; // bit i: comparison i still to make
    let optimistic = 0; // the most the open comparisons can add
    for (let i = 0; i < COMPARISONS.length; i++) {
      const c = COMPARISONS[i]!;
      const x = a[c.field];
      const y = b[c.field];
      if (x !== undefined && y !== undefined && x !== y) {
        open |= 1 << i;
        optimistic += best[i]!;
        continue;
      }
      // Equal (level 0) or missing on a side (no level, or a name found in the other
      // field): both cheap to place.
      const level = x === y && x !== undefined ? 0 : c.compare(a, b);
      levels[i] = level ?? -1;
      if (level !== null) placed += weights[i]![level]!;
    }
    // The bound is summed in another order than the exact total: a hair of slack keeps a
    // pair whose exact total is `cutoff` itself from being dropped by rounding.
    const below = cutoff - 1e-9;
    if (placed + optimistic < below) return null;
    for (const i of order) {
      if ((open & (1 << i)) === 0) continue;
      // Null: two present values that are no evidence either way (see the email comparison).
      const level = COMPARISONS[i]!.compare(a, b);
      levels[i] = level ?? -1;
      if (level !== null) placed += weights[i]![level]!;
      optimistic -= best[i]!;
      if (placed + optimistic < below) return null;
    }
    let total = this.prior;
    for (let i = 0; i < COMPARISONS.length; i++) {
      const level = levels[i]!;
      if (level >= 0) total += weights[i]![level]!;
    }
    return total;
  }
}

/** The total weight (bits) at which a pair's match probability is `probability`. */
export function weightOf(probability: number): number {
  return log2(probability / (1 - probability));
}
