import { kmeans } from 'ml-kmeans';
import { seededRandom } from '../seededRandom';
import { inertia, silhouette } from './clusterQuality';

export interface KMeansSearchOptions {
  /** Smallest and largest k tried (inclusive); equal for a fixed k. */
  kMin: number;
  kMax: number;
  /** Makes a search reproducible: the same data and seed give the same clustering. */
  seed: number;
  /** k-means++ runs per k; the one with the least inertia is kept. */
  restarts?: number;
  /** Points the silhouette is computed on (it is quadratic): a seeded sample of them. */
  silhouetteSample?: number;
  maxIterations?: number;
}

export interface KFit {
  k: number;
  silhouette: number;
  inertia: number;
  centroids: number[][];
  labels: number[];
}

export interface KMeansSearch {
  /** The fit of the k with the best silhouette (the smallest such k on a tie). */
  chosen: KFit;
  /** Every k tried, in order: silhouette and inertia (the elbow) side by side. */
  perK: KFit[];
}

/** Indices of a seeded sample of `size` out of `n` (all of them when n ≤ size). */
function sampleIndices(n: number, size: number, seed: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= size) return all;
  const random = seededRandom(seed);
  for (let i = 0; i < size; i++) {
    const j = random.int(i, n - 1);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, size).sort((x, y) => x - y);
}

/**
 * K-means (ml-kmeans, k-means++ initialisation) for every k in the range, the best of
 * several seeded restarts each, and k chosen by the silhouette on a seeded sample; the
 * inertia of every k is kept beside it. Distances are Euclidean on the matrix as given:
 * scale the features first (see `featureScaling.ts`).
 */
export function searchK(points: number[][], options: KMeansSearchOptions): KMeansSearch {
  const { kMin, kMax, seed } = options;
  const restarts = options.restarts ?? 5;
  if (!Number.isInteger(kMin) || !Number.isInteger(kMax) || kMin < 2 || kMax < kMin)
    throw new Error(`k range: need integers 2 ≤ kMin ≤ kMax, got ${kMin}..${kMax}`);
  if (points.length <= kMax)
    throw new Error(`k range: ${points.length} points cannot make ${kMax} clusters`);
  const sample = sampleIndices(points.length, options.silhouetteSample ?? 2_000, seed);
  const sampled = sample.map((i) => points[i]!);
  const perK: KFit[] = [];
  for (let k = kMin; k <= kMax; k++) {
    let best: { labels: number[]; centroids: number[][]; inertia: number } | null = null;
    for (let r = 0; r < restarts; r++) {
      const run = kmeans(points, k, {
        initialization: 'kmeans++',
        seed: seed * 1_000 + k * 31 + r,
        maxIterations: options.maxIterations ?? 100,
      });
      const within = inertia(points, run.clusters, run.centroids);
      if (best === null || within < best.inertia)
        best = { labels: run.clusters, centroids: run.centroids, inertia: within };
    }
    const fit = best!;
    perK.push({
      k,
      silhouette: silhouette(
        sampled,
        sample.map((i) => fit.labels[i]!),
      ),
      inertia: fit.inertia,
      centroids: fit.centroids,
      labels: fit.labels,
    });
  }
  const chosen = perK.reduce((x, y) => (y.silhouette > x.silhouette ? y : x));
  return { chosen, perK };
}
