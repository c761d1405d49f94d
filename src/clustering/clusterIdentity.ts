import { squaredDistance } from './clusterQuality';

/**
 * Stable cluster identity across runs, so that segment ids and names do not churn: each
 * cluster of a new run takes the id of the previous run's cluster whose centroid is
 * nearest, one to one, by the Hungarian algorithm (`minimumCostAssignment`) on centroid
 * distance. A pair
 * farther apart than `maxDistance` is not the same group moved a little but another group:
 * the new cluster gets a new id. Previous clusters left without a match are retired.
 * Centroids must be in one space (the current run's scaled units).
 */
export function matchClusters(
  previous: readonly { id: string; centroid: readonly number[] }[],
  next: readonly (readonly number[])[],
  options: { newId: () => string; maxDistance: number },
): { ids: string[]; retired: string[] } {
  const ids: (string | null)[] = next.map(() => null);
  if (previous.length > 0 && next.length > 0) {
    const cost = next.map((c) => previous.map((p) => Math.sqrt(squaredDistance(c, p.centroid))));
    minimumCostAssignment(cost).forEach((column, row) => {
      if (column !== null && cost[row]![column]! <= options.maxDistance)
        ids[row] = previous[column]!.id;
    });
  }
  const kept = new Set(ids);
  return {
    ids: ids.map((id) => id ?? options.newId()),
    retired: previous.map((p) => p.id).filter((id) => !kept.has(id)),
  };
}

/** Share of the profiles in both runs whose cluster id changed (0 when none are in both). */
export function changedShare(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): number {
  let both = 0;
  let changed = 0;
  for (const [profile, cluster] of after) {
    const was = before.get(profile);
    if (was === undefined) continue;
    both++;
    if (was !== cluster) changed++;
  }
  return both === 0 ? 0 : changed / both;
}

/**
 * The Hungarian algorithm (Kuhn-Munkres, with potentials; O(n²m)): for each row of a
 * rows × columns cost matrix, the column it is assigned, so that the total cost is least
 * and each column is used at most once; null for rows left over when there are more rows
 * than columns. Clusterings have tens of clusters at most: the matrix is tiny.
 */
export function minimumCostAssignment(cost: readonly (readonly number[])[]): (number | null)[] {
  const transposed = cost.length > (cost[0]?.length ?? 0);
  // The algorithm below needs rows ≤ columns: solve the transpose otherwise.
  const a = transposed ? cost[0]!.map((_, j) => cost.map((row) => row[j]!)) : cost;
  const n = a.length;
  const m = a[0]?.length ?? 0;
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const match = new Int32Array(m + 1); // column → row (1-based), 0: free
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    match[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = match[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const reduced = a[i0 - 1]![j - 1]! - u[i0]! - v[j]!;
        if (reduced < minv[j]!) {
          minv[j] = reduced;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[match[j]!]! += delta;
          v[j]! -= delta;
        } else minv[j]! -= delta;
      }
      j0 = j1;
    } while (match[j0] !== 0);
    do {
      const j1 = way[j0]!;
      match[j0] = match[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const assigned: (number | null)[] = new Array<number | null>(cost.length).fill(null);
  for (let j = 1; j <= m; j++) {
    if (match[j] === 0) continue;
    const [row, column] = transposed ? [j - 1, match[j]! - 1] : [match[j]! - 1, j - 1];
    assigned[row] = column;
  }
  return assigned;
}
