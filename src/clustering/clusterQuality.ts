/**
 * How good a clustering is, and how alike two are: the silhouette (how much closer each
 * point is to its own cluster than to the next one, -1..1, chosen k maximises it), the
 * inertia (the within-cluster sum of squares, reported beside it as the elbow) and the
 * adjusted Rand index (agreement of two labellings corrected for chance: 1 the same
 * partition, about 0 for unrelated ones).
 */

export const squaredDistance = (a: readonly number[], b: readonly number[]): number => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return sum;
};

/** The index of the centroid nearest to `point` (the first on a tie). */
export function nearestCentroid(point: readonly number[], centroids: readonly number[][]): number {
  let best = 0;
  let bestDistance = Infinity;
  centroids.forEach((c, i) => {
    const d = squaredDistance(point, c);
    if (d < bestDistance) [best, bestDistance] = [i, d];
  });
  return best;
}

/** Sum over points of the squared distance to their own centroid. */
export function inertia(
  points: readonly number[][],
  labels: readonly number[],
  centroids: readonly number[][],
): number {
  let sum = 0;
  points.forEach((p, i) => (sum += squaredDistance(p, centroids[labels[i]!]!)));
  return sum;
}

/**
 * Mean silhouette of the points (Euclidean). Quadratic in the number of points: callers
 * pass a sample. A point alone in its cluster scores 0, as usual; one cluster scores 0.
 */
export function silhouette(points: readonly number[][], labels: readonly number[]): number {
  const k = Math.max(...labels) + 1;
  if (k < 2 || points.length < 2) return 0;
  const sizes = new Array<number>(k).fill(0);
  for (const l of labels) sizes[l]!++;
  let total = 0;
  const sums = new Float64Array(k);
  for (let i = 0; i < points.length; i++) {
    sums.fill(0);
    for (let j = 0; j < points.length; j++)
      if (j !== i) sums[labels[j]!]! += Math.sqrt(squaredDistance(points[i]!, points[j]!));
    const own = labels[i]!;
    if (sizes[own]! < 2) continue;
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++)
      if (c !== own && sizes[c]! > 0) b = Math.min(b, sums[c]! / sizes[c]!);
    const s = Math.max(a, b) === 0 ? 0 : (b - a) / Math.max(a, b);
    total += s;
  }
  return total / points.length;
}

const pairs = (n: number): number => (n * (n - 1)) / 2;

/** Adjusted Rand index of two labellings of the same points (Hubert and Arabie). */
export function adjustedRandIndex(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error('adjustedRandIndex: labellings of different lengths');
  const table = new Map<string, number>();
  const rows = new Map<number, number>();
  const columns = new Map<number, number>();
  a.forEach((x, i) => {
    const y = b[i]!;
    table.set(`${x} ${y}`, (table.get(`${x} ${y}`) ?? 0) + 1);
    rows.set(x, (rows.get(x) ?? 0) + 1);
    columns.set(y, (columns.get(y) ?? 0) + 1);
  });
  let index = 0;
  for (const n of table.values()) index += pairs(n);
  let sumRows = 0;
  for (const n of rows.values()) sumRows += pairs(n);
  let sumColumns = 0;
  for (const n of columns.values()) sumColumns += pairs(n);
  const expected = (sumRows * sumColumns) / pairs(a.length);
  const max = (sumRows + sumColumns) / 2;
  // Both labellings put every point in one cluster (or each alone): they agree.
  return max === expected ? 1 : (index - expected) / (max - expected);
}
