import { adjustedRandIndex } from '../../src/clustering/clusterQuality';
import { searchWard } from '../../src/clustering/wardSearch';
import { planted } from './plantedGroups';

/**
 * Ward's agglomerative clustering (ml-hclust) for nested segments: on the planted groups
 * of the k-means tests (see plantedGroups.ts: groups about 8 noise-widths apart) it must
 * pick the planted k by silhouette and recover the groups (adjusted Rand index ≥ 0.95, as
 * for k-means); and every cut must nest in the smaller k's, which is what makes its
 * segments nested.
 */

test.each([
  [11, 3, 2],
  [12, 4, 3],
  [13, 5, 4],
])('seed %i: %i planted groups in %i dimensions are found, and the cuts nest', (seed, k, dims) => {
  const { points, truth } = planted(seed, k, dims);
  const { chosen, perK } = searchWard(points, 2, 7);
  expect(chosen.k).toBe(k);
  expect(adjustedRandIndex(chosen.labels, truth)).toBeGreaterThanOrEqual(0.95);
  expect(perK.map((p) => p.k)).toEqual([2, 3, 4, 5, 6, 7]);
  // Inertia never grows as k does: each cut splits one cluster of the previous.
  for (let i = 1; i < perK.length; i++)
    expect(perK[i]!.inertia).toBeLessThanOrEqual(perK[i - 1]!.inertia + 1e-9);
  for (let i = 1; i < perK.length; i++) {
    const parentOf = new Map<number, number>();
    perK[i]!.labels.forEach((label, p) => {
      const parent = perK[i - 1]!.labels[p]!;
      expect(parentOf.get(label) ?? parent).toBe(parent);
      parentOf.set(label, parent);
    });
  }
});

test('too few points for the range is refused', () => {
  expect(() => searchWard([[0], [1], [2]], 2, 3)).toThrow(/3 points cannot make 3 clusters/);
});
