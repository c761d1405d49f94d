import damerauLevenshtein from 'talisman/metrics/damerau-levenshtein';
import jaroWinkler from 'talisman/metrics/jaro-winkler';

/**
 * Cheap, exact short cuts around the string metrics (talisman's Jaro-Winkler and
 * Damerau-Levenshtein): a bound that settles a threshold question without running the
 * metric. Most candidates a blocking look-up returns are strangers whose names and ids
 * differ in most characters; proving that from character counts costs one pass over each
 * string and allocates nothing, where the metrics allocate arrays or a matrix per call.
 * The answers are always the metric's own: a bound only skips a call whose outcome it
 * implies, and the metric decides every other case.
 */

/** Character counts by bucket (a code unit's low 6 bits): scratch, reused by every call. */
const counts = new Int32Array(64);

/**
 * The sum over character buckets of |count in x − count in y|. Buckets merge characters,
 * which can only make the sum smaller, so the bounds derived from it stay valid.
 */
function countDistance(x: string, y: string): number {
  for (let i = 0; i < x.length; i++) counts[x.charCodeAt(i) & 63]!++;
  for (let i = 0; i < y.length; i++) counts[y.charCodeAt(i) & 63]!--;
  let distance = 0;
  for (let i = 0; i < x.length; i++) {
    const b = x.charCodeAt(i) & 63;
    distance += Math.abs(counts[b]!);
    counts[b] = 0;
  }
  for (let i = 0; i < y.length; i++) {
    const b = y.charCodeAt(i) & 63;
    distance += Math.abs(counts[b]!);
    counts[b] = 0;
  }
  return distance;
}

/**
 * At most talisman's Damerau-Levenshtein distance: an edit changes the character counts
 * by at most 2 (a substitution: one down, one up; an insertion or deletion: 1; a swap of
 * neighbours: 0), and the lengths by at most 1.
 */
export function editsLowerBound(x: string, y: string): number {
  return Math.max(Math.abs(x.length - y.length), Math.ceil(countDistance(x, y) / 2));
}

/**
 * At least talisman's Jaro-Winkler similarity. Jaro's matches are pairs of equal
 * characters, so there are at most `common` of them (the characters the two share, as a
 * multiset), and its transposition term is at most 1; Winkler's boost grows with Jaro
 * (1 − ℓp > 0), so boosting the bound by the real common prefix bounds the real score.
 */
export function jaroWinklerUpperBound(x: string, y: string): number {
  if (x === y) return 1;
  const common = (x.length + y.length - countDistance(x, y)) / 2;
  if (common === 0) return 0;
  const jaro = (common / x.length + common / y.length + 1) / 3;
  let prefix = 0;
  const limit = Math.min(x.length, y.length, 4);
  while (prefix < limit && x[prefix] === y[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Talisman's Jaro-Winkler similarity of `x` and `y`, or null when it is surely below `floor`. */
export function jaroWinklerFrom(x: string, y: string, floor: number): number | null {
  return jaroWinklerUpperBound(x, y) < floor ? null : jaroWinkler(x, y);
}

/** min(Damerau-Levenshtein distance, `cap`): the distance where it is below `cap`. */
export function editsUpTo(x: string, y: string, cap: number): number {
  return editsLowerBound(x, y) >= cap ? cap : Math.min(damerauLevenshtein(x, y), cap);
}
