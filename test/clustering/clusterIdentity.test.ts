import {
  changedShare,
  matchClusters,
  minimumCostAssignment,
} from '../../src/clustering/clusterIdentity';
import { fitScaler, type FeatureSpec } from '../../src/clustering/featureScaling';
import { seededRandom } from '../../src/seededRandom';

/** Ids handed out in order: `c1`, `c2`, … */
const counter = () => {
  let n = 0;
  return () => `c${++n}`;
};

test('clusters that moved a little keep their ids, whatever order the new run lists them in', () => {
  const rand = seededRandom(7);
  // Property: for many random layouts of well-separated centroids, shuffled and nudged,
  // every cluster finds its previous id.
  for (let trial = 0; trial < 200; trial++) {
    const k = rand.int(2, 8);
    const previous = Array.from({ length: k }, (_, i) => ({
      id: `old-${i}`,
      centroid: [i * 5 + rand.next(), rand.next() * 3],
    }));
    const order = previous.map((_, i) => i).sort(() => rand.next() - 0.5);
    const next = order.map((i) => previous[i]!.centroid.map((x) => x + (rand.next() - 0.5) * 0.4));
    const { ids, retired } = matchClusters(previous, next, {
      newId: counter(),
      maxDistance: 1.5,
    });
    expect(ids).toEqual(order.map((i) => `old-${i}`));
    expect(retired).toEqual([]);
  }
});

test('a new group gets a new id, a vanished one is retired, a far move is not the same group', () => {
  const previous = [
    { id: 'spenders', centroid: [3, 0] },
    { id: 'lapsed', centroid: [-2, -2] },
    { id: 'browsers', centroid: [0, 3] },
  ];
  // Spenders moved a little; browsers are gone; two groups appear, one where lapsed
  // customers used to be but far from them.
  const next = [
    [3.2, 0.1],
    [-2, 4],
    [-6, -6],
  ];
  const { ids, retired } = matchClusters(previous, next, {
    newId: counter(),
    maxDistance: 1.5,
  });
  expect(ids).toEqual(['spenders', 'c1', 'c2']);
  expect(retired.sort()).toEqual(['browsers', 'lapsed']);
  // With no previous run every cluster is new.
  expect(matchClusters([], next, { newId: counter(), maxDistance: 1.5 }).ids).toEqual([
    'c1',
    'c2',
    'c3',
  ]);
});

test('the changed share counts profiles in both runs whose cluster changed', () => {
  const before = new Map([
    ['p1', 'a'],
    ['p2', 'a'],
    ['p3', 'b'],
    ['p4', 'b'],
  ]);
  const after = new Map([
    ['p1', 'a'],
    ['p2', 'b'],
    ['p3', 'b'],
    ['p5', 'a'], // new: not counted
  ]);
  expect(changedShare(before, after)).toBeCloseTo(1 / 3, 12);
  expect(changedShare(new Map(), after)).toBe(0);
});

test('a centroid is described in plain words against the population', () => {
  const specs: FeatureSpec[] = [
    {
      name: 'lifetimeValue',
      transform: 'log1p',
      scaling: 'robust-z',
      words: { high: 'high spend', low: 'low spend' },
    },
    {
      name: 'daysSinceLastOrder',
      transform: 'log1p',
      scaling: 'robust-z',
      words: { high: 'lapsed', low: 'recent' },
    },
    {
      name: 'engagementScore',
      transform: 'none',
      scaling: 'min-max',
      words: { high: 'engaged', low: 'low engagement' },
    },
  ];
  const rand = seededRandom(9);
  const rows = Array.from({ length: 500 }, () => [
    Math.exp(rand.next() * 6),
    rand.int(1, 400),
    rand.int(0, 100),
  ]);
  const scaler = fitScaler(specs, rows);
  const words = scaler.describe([5_000, 3, 5]).split(', ');
  expect(words.sort()).toEqual(['high spend', 'low engagement', 'recent']);
  expect(scaler.describe([5_000, 3, 5], { max: 1 })).toMatch(/^(high spend|recent)$/);
  const median = specs.map((_, j) => {
    const sorted = rows.map((r) => r[j]!).sort((a, b) => a - b);
    return sorted[250]!;
  });
  expect(scaler.describe(median)).toBe('typical');
});

test('the assignment is the least-cost one: against every permutation of small random matrices', () => {
  const rand = seededRandom(13);
  const permutations = (items: number[]): number[][] =>
    items.length <= 1
      ? [items]
      : items.flatMap((x, i) =>
          permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [x, ...p]),
        );
  for (let trial = 0; trial < 300; trial++) {
    const rows = rand.int(1, 6);
    const columns = rand.int(1, 6);
    const cost = Array.from({ length: rows }, () =>
      Array.from({ length: columns }, () => rand.int(0, 20)),
    );
    const assigned = minimumCostAssignment(cost);
    // Each column at most once; every row assigned when there are enough columns.
    const used = assigned.filter((c): c is number => c !== null);
    expect(new Set(used).size).toBe(used.length);
    expect(used).toHaveLength(Math.min(rows, columns));
    const total = assigned.reduce<number>((s, c, r) => s + (c === null ? 0 : cost[r]![c]!), 0);
    // Brute force: the best total over every way of pairing min(rows, columns) of them.
    const small = Math.min(rows, columns);
    let best = Infinity;
    const bigIndices = Array.from({ length: Math.max(rows, columns) }, (_, i) => i);
    for (const p of permutations(bigIndices)) {
      let sum = 0;
      for (let i = 0; i < small; i++) sum += rows <= columns ? cost[i]![p[i]!]! : cost[p[i]!]![i]!;
      best = Math.min(best, sum);
    }
    expect(total).toBe(best);
  }
});
