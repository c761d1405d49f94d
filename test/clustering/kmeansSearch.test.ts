import { adjustedRandIndex, silhouette } from '../../src/clustering/clusterQuality';
import { fitScaler, type FeatureSpec } from '../../src/clustering/featureScaling';
import { searchK } from '../../src/clustering/kmeansSearch';
import { seededRandom } from '../../src/seededRandom';
import { planted } from './plantedGroups';

/**
 * The numeric core of clustering (#23): features scaled, k-means over a range of k, k
 * chosen by silhouette, and the planted groups recovered.
 *
 * Planted groups: k centres drawn uniformly in a 10-unit cube of `dims` dimensions, kept
 * at least 4 units apart; each point is a centre plus Gaussian noise of standard deviation
 * 0.5 per dimension (so groups are about 8 noise-widths apart and clearly separable); group
 * sizes vary by a factor of up to 3. With groups that far apart, a right answer puts almost
 * every point with its group: the recovered partition must reach an adjusted Rand index of
 * 0.95 (a few points of an unlucky draw may sit between two groups), and the silhouette
 * must pick the planted k.
 */

test.each([
  [1, 2, 2],
  [2, 3, 3],
  [3, 4, 4],
  [4, 5, 3],
  [5, 6, 5],
  [6, 4, 6],
  [7, 3, 2],
  [8, 5, 4],
])(
  'planted groups (seed %i, k %i, %i dimensions) are recovered, and the silhouette picks k',
  (seed, k, dims) => {
    const { points, truth } = planted(seed, k, dims);
    const { chosen, perK } = searchK(points, { kMin: 2, kMax: 8, seed: 22 });
    expect(perK.map((f) => f.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(chosen.k).toBe(k);
    expect(adjustedRandIndex(chosen.labels, truth)).toBeGreaterThanOrEqual(0.95);
    // The elbow: inertia falls with k, steeply until the planted k.
    for (let i = 1; i < perK.length; i++)
      expect(perK[i]!.inertia).toBeLessThanOrEqual(perK[i - 1]!.inertia * 1.0001);
  },
);

test('a search is reproducible: the same data and seed give the same clustering', () => {
  const { points } = planted(11, 4, 3);
  const a = searchK(points, { kMin: 2, kMax: 6, seed: 5, silhouetteSample: 200 });
  const b = searchK(points, { kMin: 2, kMax: 6, seed: 5, silhouetteSample: 200 });
  expect(b.chosen.labels).toEqual(a.chosen.labels);
  expect(b.perK.map((f) => f.silhouette)).toEqual(a.perK.map((f) => f.silhouette));
});

test('a k range the data cannot fill, or that is not a range, is refused by name', () => {
  const { points } = planted(12, 2, 2);
  expect(() => searchK(points.slice(0, 5), { kMin: 2, kMax: 6, seed: 1 })).toThrow(
    /k range: 5 points cannot make 6 clusters/,
  );
  expect(() => searchK(points, { kMin: 1, kMax: 3, seed: 1 })).toThrow(/k range: need integers/);
  expect(() => searchK(points, { kMin: 4, kMax: 3, seed: 1 })).toThrow(/k range/);
});

test('the adjusted Rand index: 1 for the same partition under any names, near 0 for chance', () => {
  const truth = Array.from({ length: 300 }, (_, i) => i % 3);
  expect(adjustedRandIndex(truth, truth)).toBe(1);
  expect(
    adjustedRandIndex(
      truth,
      truth.map((l) => (l + 1) % 3),
    ),
  ).toBe(1);
  const rand = seededRandom(3);
  const noise = truth.map(() => rand.int(0, 2));
  expect(Math.abs(adjustedRandIndex(truth, noise))).toBeLessThan(0.05);
  expect(() => adjustedRandIndex([0, 1], [0])).toThrow(/different lengths/);
});

test('the silhouette is near 1 for tight far groups, and 0 for one cluster', () => {
  const points = [[0], [0.1], [10], [10.1]];
  expect(silhouette(points, [0, 0, 1, 1])).toBeGreaterThan(0.98);
  expect(silhouette(points, [0, 0, 0, 0])).toBe(0);
});

describe('feature scaling', () => {
  const specs: FeatureSpec[] = [
    { name: 'lifetimeValue', transform: 'log1p', scaling: 'robust-z' },
    { name: 'engagement', transform: 'none', scaling: 'min-max' },
  ];

  test('a heavy tail is logged, an outlier does not move the robust z of the rest', () => {
    const rows = [10, 20, 30, 40, 50].map((v) => [v, 50]);
    const scaler = fitScaler(specs, rows);
    const withWhale = fitScaler(specs, [...rows, [1_000_000, 50]]);
    const z = (s: typeof scaler, v: number) => s.scale([v, 50])[0]!;
    // One whale among six changes the median and IQR a little, not the scale of things.
    expect(Math.abs(z(withWhale, 30) - z(scaler, 30))).toBeLessThan(0.5);
    expect(z(withWhale, 1_000_000)).toBeLessThan(20);
  });

  test('min-max puts a bounded feature on 0..1', () => {
    const scaler = fitScaler(specs, [
      [1, 0],
      [1, 25],
      [1, 100],
    ]);
    expect([0, 25, 100].map((e) => scaler.scale([1, e])[1])).toEqual([0, 0.25, 1]);
  });

  test('a missing value is imputed with the median and flagged, never a silent zero', () => {
    const rows = [
      [100, 10],
      [200, null],
      [300, 30],
      [null, 50],
    ];
    const scaler = fitScaler(specs, rows);
    expect(scaler.columns).toEqual([
      'lifetimeValue',
      'engagement',
      'lifetimeValue missing',
      'engagement missing',
    ]);
    const missing = scaler.scale([null, null]);
    expect(missing.slice(2)).toEqual([1, 1]);
    // Imputed at the median: the centre of the robust z, the median's place on 0..1.
    expect(missing[0]).toBeCloseTo(0, 12);
    expect(missing[1]).toBeCloseTo(0.5, 12);
    expect(scaler.scale([200, 30]).slice(2)).toEqual([0, 0]);
  });

  test('a centroid turns back into original units', () => {
    const scaler = fitScaler(specs, [
      [10, 0],
      [1_000, 40],
      [100_000, 100],
    ]);
    const back = scaler.unscale(scaler.scale([1_000, 40]));
    expect(back[0]).toBeCloseTo(1_000, 6);
    expect(back[1]).toBeCloseTo(40, 9);
  });

  test("a bounded feature's narrow middle does not make a small difference a trait", () => {
    const share: FeatureSpec[] = [
      {
        name: 'checkoutsShare',
        transform: 'none',
        scaling: 'min-max',
        words: { high: 'checkout-heavy', low: 'few checkouts' },
      },
    ];
    // Most shares near 0.10, a few spread up to 1: the IQR is tiny.
    const rows = [
      ...Array.from({ length: 90 }, (_, i) => [0.09 + (i % 3) * 0.01]),
      ...Array.from({ length: 10 }, (_, i) => [0.1 + i * 0.1]),
    ];
    const scaler = fitScaler(share, rows);
    expect(scaler.describe([0.15])).toBe('typical');
    expect(scaler.describe([0.6])).toBe('checkout-heavy');
  });

  test('a constant feature scales to 0 instead of dividing by 0', () => {
    const scaler = fitScaler(specs, [
      [5, 7],
      [5, 7],
    ]);
    expect(scaler.scale([5, 7])).toEqual([0, 0]);
  });
});
