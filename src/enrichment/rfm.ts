/** One profile's raw RFM inputs, before they are scored against the population. */
export interface RfmInputs {
  /** Whole days since the last order; null without orders. */
  recencyDays: number | null;
  /** Orders placed (not cancelled), in any currency. */
  frequency: number;
  /** Lifetime value in the reporting currency. */
  monetary: number;
}

export type Quintile = 1 | 2 | 3 | 4 | 5;

/**
 * Cut points between the quintiles of a population, each list in the order of rising score:
 * a value beyond `cuts[i]` (in the better direction) scores at least `i + 2`.
 *
 * Only customers with at least one order are in the population: those without are scored
 * 1 without comparison, and letting them in would make a shop where most visitors never
 * buy put every buyer in the top quintile.
 */
export interface RfmThresholds {
  /**
   * Days since the last order, from the most to the fewest: the 20th, 40th, 60th and 80th
   * percentiles of recency (fewer days being better). Empty when no one has ordered.
   */
  recency: number[];
  /** Orders, ascending: the 20th … 80th percentiles. Empty when no one has ordered. */
  frequency: number[];
  /** Lifetime value, ascending: the 20th … 80th percentiles. Empty when no one has ordered. */
  monetary: number[];
  /** Customers with orders the cut points come from. */
  population: number;
  computedAt: Date;
}

export interface RfmScore {
  /** Null for customers without orders (and when no one has ordered). */
  recency: Quintile | null;
  frequency: Quintile;
  monetary: Quintile;
  /** The three scores as digits, recency first: '555'; recency null is '0' ('011'). */
  segment: string;
}

const PERCENTILES = [20, 40, 60, 80] as const;

/**
 * Nearest-rank percentiles of `values` ordered worst first: the P-th is the value at rank
 * ⌈P/100 × n⌉, so at least P% of the population is at or below it, and every cut point is
 * a value someone actually has (no interpolation to explain). With fewer than five values
 * several cut points coincide and the best value is itself the 80th percentile, so no one
 * scores 5 (a handful of customers is too few to call anyone the top fifth) and a lone
 * customer scores 1; with no values there are no cut points.
 */
function cutPoints(worstFirst: number[]): number[] {
  const n = worstFirst.length;
  if (n === 0) return [];
  return PERCENTILES.map((p) => worstFirst[Math.ceil((p / 100) * n) - 1]!);
}

const hasOrders = (r: RfmInputs): boolean => r.frequency > 0;

/**
 * Quintile cut points of a population's RFM inputs, for a full refresh. The result does not
 * depend on the order of `values`. Non-finite values are left out of their dimension.
 */
export function rfmThresholds(values: readonly RfmInputs[], computedAt: Date): RfmThresholds {
  const buyers = values.filter(hasOrders);
  const finite = (xs: (number | null)[]): number[] =>
    xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return {
    recency: cutPoints(finite(buyers.map((r) => r.recencyDays)).sort((a, b) => b - a)),
    frequency: cutPoints(finite(buyers.map((r) => r.frequency)).sort((a, b) => a - b)),
    monetary: cutPoints(finite(buyers.map((r) => r.monetary)).sort((a, b) => a - b)),
    population: buyers.length,
    computedAt,
  };
}

/**
 * 1 plus the number of cut points `value` is strictly better than. A value equal to a cut
 * point therefore gets the lower quintile, the one the percentile closes; with distinct
 * values each quintile then holds a fifth of the population, give or take one.
 */
function quintile(cuts: readonly number[], isBetter: (value: number, cut: number) => boolean) {
  return (value: number): Quintile =>
    (1 + cuts.filter((c) => isBetter(value, c)).length) as Quintile;
}

function checkCuts(name: string, cuts: readonly number[]): void {
  if (cuts.length !== 0 && cuts.length !== PERCENTILES.length) {
    throw new Error(
      `RFM ${name} thresholds must hold 0 or ${PERCENTILES.length} cut points, but got ${cuts.length}`,
    );
  }
}

/**
 * Scores one customer against a population's thresholds. More orders and more value score
 * higher; fewer days since the last order score higher. Customers without orders score 1
 * for frequency and monetary and null for recency, as does everyone's recency when no one
 * in the population had ordered.
 */
export function rfmScore(rfm: RfmInputs, t: RfmThresholds): RfmScore {
  checkCuts('recency', t.recency);
  checkCuts('frequency', t.frequency);
  checkCuts('monetary', t.monetary);
  if (!hasOrders(rfm)) return { recency: null, frequency: 1, monetary: 1, segment: '011' };
  const recency =
    rfm.recencyDays === null || t.recency.length === 0
      ? null
      : quintile(t.recency, (days, cut) => days < cut)(rfm.recencyDays);
  const frequency = quintile(t.frequency, (v, cut) => v > cut)(rfm.frequency);
  const monetary = quintile(t.monetary, (v, cut) => v > cut)(rfm.monetary);
  return { recency, frequency, monetary, segment: `${recency ?? 0}${frequency}${monetary}` };
}
