import { agnes } from 'ml-hclust';
import { inertia, silhouette } from './clusterQuality';
import type { KFit, KMeansSearch } from './kmeansSearch';

/**
 * Agglomerative clustering with Ward's linkage (ml-hclust), for nested segments: one merge
 * tree over the sample, cut at every k of the range, k chosen by silhouette as for
 * k-means. Each cut's clusters split the previous cut's, so the segments of k = 3 are
 * unions of those of k = 6. The tree takes memory quadratic in the points: the sample is
 * kept to 2,000 (`ClusteringDefinitions`). Deterministic: no random start.
 */
export function searchWard(points: number[][], kMin: number, kMax: number): KMeansSearch {
  if (points.length <= kMax)
    throw new Error(`k range: ${points.length} points cannot make ${kMax} clusters`);
  const tree = agnes(points, { method: 'ward' });
  const perK: KFit[] = [];
  for (let k = kMin; k <= kMax; k++) {
    const labels = new Array<number>(points.length).fill(0);
    tree.group(k).children.forEach((group, label) => {
      for (const i of group.indices()) labels[i] = label;
    });
    const centroids = meansOf(points, labels, k);
    perK.push({
      k,
      silhouette: silhouette(points, labels),
      inertia: inertia(points, labels, centroids),
      centroids,
      labels,
    });
  }
  const chosen = perK.reduce((x, y) => (y.silhouette > x.silhouette ? y : x));
  return { chosen, perK };
}

function meansOf(points: number[][], labels: number[], k: number): number[][] {
  const dims = points[0]!.length;
  const sums = Array.from({ length: k }, () => new Array<number>(dims).fill(0));
  const counts = new Array<number>(k).fill(0);
  points.forEach((p, i) => {
    const sum = sums[labels[i]!]!;
    counts[labels[i]!]!++;
    for (let d = 0; d < dims; d++) sum[d]! += p[d]!;
  });
  return sums.map((sum, c) => sum.map((x) => x / Math.max(1, counts[c]!)));
}
