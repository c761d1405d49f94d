import { adjustedRandIndex } from '../../src/clustering/clusterQuality';
import {
  runClustering,
  storedSubjects,
  type SubjectStream,
} from '../../src/clustering/clusteringRun';
import { MongoSegmentMembership } from '../../src/store/mongo/mongoSegmentMembership';
import { openTestStack } from '../support/store';
import { seededRandom, type Random } from '../../src/seededRandom';

/**
 * A clustering run over gold documents with planted groups. Three kinds of customer are
 * planted, each a range of computed traits drawn uniformly (so groups differ by a factor
 * of ten or more on spend, recency and engagement, and overlap on nothing):
 * - loyal spenders: 10-20 orders, 1,000-3,000 spent, last order 1-20 days ago, first
 *   one 2-5 years ago, engagement 70-100, a cart- and checkout-heavy event mix;
 * - lapsed one-timers: 1-2 orders, 20-60 spent, last order 200-400 days ago, engagement
 *   0-10, no recent events;
 * - browsers: no orders, engagement 30-60, mostly views.
 * Such groups are what a marketer would call three segments; a run must find k = 3 among
 * 2..6, put (nearly) every profile with its group (adjusted Rand index ≥ 0.9: a tenth of
 * wiggle room for the boundary), describe each group by what sets it apart, and keep
 * segment ids when the data moves a little.
 */

const NOW = new Date('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
type Kind = 'loyal' | 'lapsed' | 'browser';

function computedOf(kind: Kind, rand: Random): Record<string, unknown> {
  const between = (lo: number, hi: number) => lo + rand.next() * (hi - lo);
  const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
  if (kind === 'browser')
    return {
      orderCount: 0,
      lifetimeValue: 0,
      averageOrderValue: null,
      daysSinceLastOrder: null,
      firstOrderAt: null,
      engagementScore: Math.round(between(30, 60)),
      eventMix: { views: rand.int(20, 40), carts: rand.int(0, 2), checkouts: 0, other: 1 },
    };
  const loyal = kind === 'loyal';
  const orders = loyal ? rand.int(10, 20) : rand.int(1, 2);
  const spent = loyal ? between(1_000, 3_000) : between(20, 60);
  const last = loyal ? between(1, 20) : between(200, 400);
  return {
    orderCount: orders,
    lifetimeValue: spent,
    averageOrderValue: spent / orders,
    daysSinceLastOrder: Math.floor(last),
    firstOrderAt: ago(loyal ? between(730, 1_825) : last + between(0, 30)),
    engagementScore: Math.round(loyal ? between(70, 100) : between(0, 10)),
    eventMix: loyal
      ? { views: rand.int(5, 10), carts: rand.int(4, 8), checkouts: rand.int(3, 6), other: 0 }
      : { views: 0, carts: 0, checkouts: 0, other: 0 },
  };
}

function population(seed: number, size: number) {
  const rand = seededRandom(seed);
  const kinds: Kind[] = ['loyal', 'lapsed', 'browser'];
  return Array.from({ length: size }, (_, i) => {
    const kind = kinds[rand.weighted([2, 3, 5])]!;
    return { id: `p${i}`, kind, subject: { computed: computedOf(kind, rand) } };
  });
}

const streamOf = (profiles: ReturnType<typeof population>): SubjectStream =>
  async function* () {
    for (const p of profiles) yield { id: p.id, subject: p.subject };
    await Promise.resolve();
  };

const counter = () => {
  let n = 0;
  return () => `cluster-${++n}`;
};

const settings = { k: { min: 2, max: 6 }, seed: 23, sampleSize: 1_500 };

/** Adjusted Rand index of a run's clusters against the planted kinds. */
function recovered(
  profiles: ReturnType<typeof population>,
  assignments: ReadonlyMap<string, string>,
): number {
  const labels = profiles.map((p) => assignments.get(p.id)!);
  const ids = [...new Set(labels)];
  return adjustedRandIndex(
    labels.map((l) => ids.indexOf(l)),
    profiles.map((p) => ['loyal', 'lapsed', 'browser'].indexOf(p.kind)),
  );
}

test('a run over gold documents finds the planted groups, their k and their descriptions', async () => {
  const profiles = population(1, 3_000);
  const run = await runClustering(streamOf(profiles), settings, { now: NOW, newId: counter() });
  expect(run.k).toBe(3);
  expect(run.perK.map((p) => p.k)).toEqual([2, 3, 4, 5, 6]);
  expect(run.profiles).toBe(3_000);
  expect(run.sampled).toBe(1_500);
  expect(recovered(profiles, run.assignments)).toBeGreaterThanOrEqual(0.9);
  expect(run.clusters.reduce((s, c) => s + c.size, 0)).toBe(3_000);
  // Each planted group's cluster is described by what sets it apart.
  const clusterOf = (kind: Kind) => {
    const votes = new Map<string, number>();
    for (const p of profiles.filter((x) => x.kind === kind))
      votes.set(run.assignments.get(p.id)!, (votes.get(run.assignments.get(p.id)!) ?? 0) + 1);
    const id = [...votes].sort((a, b) => b[1] - a[1])[0]![0];
    return run.clusters.find((c) => c.id === id)!;
  };
  expect(clusterOf('loyal').description).toMatch(/high spend|frequent buyers|recent|engaged/);
  expect(clusterOf('lapsed').description).toMatch(/lapsed|low engagement|low spend/);
  // Centroids come back in original units: loyal spenders average well over 1,000.
  const monetary = run.features.indexOf('monetary');
  expect(clusterOf('loyal').centroid[monetary]).toBeGreaterThan(1_000);
  expect(clusterOf('lapsed').centroid[monetary]).toBeLessThan(100);
});

test('a re-run after small changes keeps every segment id, and few profiles change cluster', async () => {
  const profiles = population(2, 3_000);
  const first = await runClustering(streamOf(profiles), settings, {
    now: NOW,
    newId: counter(),
  });
  // A twentieth of the profiles get one more order, and a hundred new profiles arrive.
  const rand = seededRandom(5);
  const moved = profiles.map((p) => {
    if (!rand.chance(0.05)) return p;
    const computed = { ...p.subject.computed };
    computed.orderCount = (computed.orderCount as number) + 1;
    return { ...p, subject: { computed } };
  });
  const grown = [...moved, ...population(3, 100).map((p) => ({ ...p, id: `new-${p.id}` }))];
  const second = await runClustering(
    streamOf(grown),
    { ...settings, seed: 24 },
    {
      now: NOW,
      newId: counter(),
      previous: {
        clusters: first.clusters.map((c) => ({ id: c.id, centroid: c.centroid })),
        assignments: first.assignments,
      },
    },
  );
  expect(second.k).toBe(first.k);
  expect(second.clusters.map((c) => c.id).sort()).toEqual(first.clusters.map((c) => c.id).sort());
  expect(second.retired).toEqual([]);
  expect(second.changedShare).toBeLessThan(0.05);
});

test('a feature that does not exist, or too few profiles for the k range, is refused by name', async () => {
  const profiles = population(4, 5);
  await expect(
    runClustering(
      streamOf(profiles),
      { ...settings, features: ['monetary', 'shoeSize'] },
      {
        now: NOW,
        newId: counter(),
      },
    ),
  ).rejects.toThrow(/features: no feature "shoeSize"/);
  await expect(
    runClustering(streamOf(profiles), settings, { now: NOW, newId: counter() }),
  ).rejects.toThrow(/clustering: 5 profiles cannot make 6 clusters/);
});

test('a run reads every gold document from the store, in batches, in id order', async () => {
  const stack = await openTestStack('clustering-run');
  try {
    const membership = new MongoSegmentMembership(stack.cols);
    const profiles = population(6, 1_200);
    await stack.cols.segmentSubjects.insertMany(
      profiles.map((p) => ({
        _id: p.id,
        traits: {},
        computed: p.subject.computed,
        activity: {},
        segments: [],
        version: 1,
        enrichedAt: NOW,
      })),
    );
    // Read through one cursor, 500 documents a batch.
    const seen: string[] = [];
    for await (const { id } of storedSubjects(membership, 500)()) seen.push(id);
    expect(seen).toEqual(profiles.map((p) => p.id).sort());
    const run = await runClustering(
      storedSubjects(membership, 500),
      { ...settings, sampleSize: 800 },
      { now: NOW, newId: counter() },
    );
    expect(run.profiles).toBe(1_200);
    expect(run.k).toBe(3);
    expect(recovered(profiles, run.assignments)).toBeGreaterThanOrEqual(0.9);
    // Past the rows kept in memory, the assignment reads the store again: the same answer.
    const streamed = await runClustering(
      storedSubjects(membership, 500),
      { ...settings, sampleSize: 800, keepRowsMax: 1_000 },
      { now: NOW, newId: counter() },
    );
    expect(streamed.assignments).toEqual(run.assignments);
  } finally {
    await stack.close();
  }
}, 60_000);
