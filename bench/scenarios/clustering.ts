import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { runClustering, storedSubjects } from '../../src/clustering/clusteringRun';
import { nearestCentroid } from '../../src/clustering/clusterQuality';
import { fitScaler } from '../../src/clustering/featureScaling';
import { searchK } from '../../src/clustering/kmeansSearch';
import { featureRow, PROFILE_FEATURES } from '../../src/clustering/profileFeatures';
import { seededRandom, type Random } from '../../src/seededRandom';
import { collections, ensureCollections } from '../../src/store/mongo/collections';
import { connectMongo } from '../../src/store/mongo/connection';
import { MongoSegmentMembership } from '../../src/store/mongo/mongoSegmentMembership';
import type { SegmentSubjectDoc } from '../../src/store/models';
import { intFromEnv } from '../lib/env';
import { round } from '../lib/latency';
import type { BenchContext, Scenario, ScenarioReport } from '../lib/scenario';

const NAME = 'clustering';
const DAY = 86_400_000;
const TARGET_SECONDS = 60;
const TARGET_RATIO = 0.5;
const K = { min: 2, max: 10 };

/**
 * A clustering run over N gold documents (100k by default, BENCH_CLUSTER_PROFILES) in the
 * store: the sample pass (feature extraction), the fit with the k search over 2..10 on a
 * sample of 20,000 (BENCH_CLUSTER_SAMPLE), and the assignment of every profile streamed
 * from the store, each timed. Baseline, in the same run: every profile's feature row
 * already in memory (read beforehand, not timed), the same scaler and k search on a sample
 * of the same size, and every row assigned to its nearest centroid in memory — the
 * library's limit, with no store in the way. Targets: the whole run under 60 s, and fit +
 * assignment at least half the baseline's speed.
 */
export const clustering: Scenario = { name: NAME, run };

/** The computed traits of a profile without orders, as enrichment writes them. */
const NEVER_ORDERED = {
  orderCount: 0,
  lifetimeValue: 0,
  averageOrderValue: null,
  daysSinceLastOrder: null,
  firstOrderAt: null,
};

/** Five kinds of customer, mixed as a shop's base is, each with its own spread. */
function computedOf(rand: Random, now: number): SegmentSubjectDoc['computed'] {
  const kind = rand.weighted([1, 3, 3, 1, 4]); // loyal, regular, lapsed, new, browser
  const between = (lo: number, hi: number) => lo + rand.next() * (hi - lo);
  const mix = (v: number, c: number, k: number) => ({
    views: rand.int(0, v),
    carts: rand.int(0, c),
    checkouts: rand.int(0, k),
    other: rand.int(0, 2),
  });
  if (kind === 4)
    return {
      ...NEVER_ORDERED,
      engagementScore: rand.int(5, 60),
      eventMix: mix(40, 3, 0),
    };
  const [orders, aov, last, tenure, engagement] = (
    [
      [rand.int(8, 30), between(60, 200), between(1, 30), between(700, 2_000), between(60, 100)],
      [rand.int(2, 8), between(30, 120), between(10, 120), between(200, 1_000), between(20, 70)],
      [rand.int(1, 3), between(20, 80), between(180, 700), between(300, 1_500), between(0, 15)],
      [1, between(20, 150), between(0, 20), between(0, 30), between(30, 80)],
    ] as [number, number, number, number, number][]
  )[kind]!;
  return {
    orderCount: orders,
    lifetimeValue: orders * aov,
    averageOrderValue: aov,
    daysSinceLastOrder: Math.floor(last),
    firstOrderAt: new Date(now - Math.max(tenure, last) * DAY),
    engagementScore: Math.round(engagement),
    eventMix: kind === 2 ? mix(0, 0, 0) : mix(20, 8, 5),
  };
}

async function run(ctx: BenchContext): Promise<ScenarioReport> {
  const profiles = intFromEnv('BENCH_CLUSTER_PROFILES', 100_000);
  const sampleSize = intFromEnv('BENCH_CLUSTER_SAMPLE', 20_000);
  const database = `mosaic_bench_cluster_${randomBytes(4).toString('hex')}`;
  const mongo = await connectMongo(ctx.config.mongo.uri, database);
  try {
    await ensureCollections(mongo.db);
    const cols = collections(mongo.db);
    ctx.progress(`${NAME}: inserting ${profiles} gold documents`);
    const now = Date.now();
    const rand = seededRandom(23);
    for (let i = 0; i < profiles; i += 2_000) {
      const docs: SegmentSubjectDoc[] = [];
      for (let j = i; j < Math.min(profiles, i + 2_000); j++)
        docs.push({
          _id: `p${String(j).padStart(8, '0')}`,
          traits: {},
          computed: computedOf(rand, now),
          activity: {},
          segments: [],
          version: 1,
          enrichedAt: new Date(now),
        });
      await cols.segmentSubjects.insertMany(docs);
    }
    const membership = new MongoSegmentMembership(cols);
    const settings = { k: K, seed: 23, sampleSize };
    let ids = 0;
    ctx.progress(`${NAME}: run over the store`);
    const t0 = performance.now();
    const result = await runClustering(storedSubjects(membership), settings, {
      now: new Date(now),
      newId: () => `cluster-${++ids}`,
    });
    const runSeconds = (performance.now() - t0) / 1000;

    ctx.progress(`${NAME}: baseline in memory`);
    const rows: (number | null)[][] = [];
    for await (const { subject } of storedSubjects(membership)())
      rows.push(featureRow(subject, new Date(now)));
    const baseline = inMemoryBaseline(rows, sampleSize);

    const { sampleMs, fitMs, assignMs } = result.timings;
    const ours = (fitMs + assignMs) / 1000;
    const ratio = baseline.seconds / ours;
    const notes = [
      `${NAME}: ${profiles} profiles in ${round(runSeconds, 1)} s: feature extraction (sample pass) ${round(sampleMs / 1000, 1)} s, fit (k ${K.min}..${K.max}, sample ${result.sampled}) ${round(fitMs / 1000, 1)} s, assignment ${round(assignMs / 1000, 1)} s; membership refresh: not built yet (target whole refresh < ${TARGET_SECONDS} s: ${runSeconds < TARGET_SECONDS ? 'met' : 'NOT met'} for what is built)`,
      `${NAME}: fit + assignment ${round(ours, 2)} s vs in-memory baseline ${round(baseline.seconds, 2)} s → ratio ${round(ratio, 2)} (target ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})`,
      `${NAME}: k = ${result.k}; silhouette by k ${result.perK.map((p) => `${p.k}:${round(p.silhouette, 3)}`).join(' ')}`,
      ...result.clusters.map((c) => `${NAME}:   ${c.id} ${c.size} profiles: ${c.description}`),
    ];
    const row = (side: string, seconds: number, ops: number) => ({
      scenario: `${NAME} (${profiles} profiles)`,
      side,
      result: {
        requests: ops,
        errors: 0,
        rps: ops / seconds,
        p50Ms: Number.NaN,
        p99Ms: Number.NaN,
        meanMs: Number.NaN,
        maxMs: Number.NaN,
        elapsedMs: seconds * 1000,
        cpuMsPerOp: Number.NaN,
        firstError: null,
      },
    });
    return {
      rows: [
        row('fit + assign, store', ours, profiles),
        row('in-memory baseline', baseline.seconds, profiles),
      ],
      notes,
      json: {
        profiles,
        sample: result.sampled,
        k: result.k,
        perK: result.perK.map((p) => ({
          k: p.k,
          silhouette: round(p.silhouette, 4),
          inertia: round(p.inertia, 1),
        })),
        sizes: result.clusters.map((c) => c.size),
        descriptions: result.clusters.map((c) => c.description),
        seconds: {
          run: round(runSeconds, 2),
          featureExtraction: round(sampleMs / 1000, 2),
          fit: round(fitMs / 1000, 2),
          assign: round(assignMs / 1000, 2),
          baseline: round(baseline.seconds, 2),
        },
        ratio: round(ratio, 3),
      },
      valid: true,
    };
  } finally {
    await mongo.db.dropDatabase().catch(() => undefined);
    await mongo.close();
  }
}

/** Scaler, k search and assignment on rows already in memory, timed. */
function inMemoryBaseline(rows: (number | null)[][], sampleSize: number): { seconds: number } {
  const rand = seededRandom(24);
  const sample =
    rows.length <= sampleSize
      ? rows
      : Array.from({ length: sampleSize }, () => rows[rand.int(0, rows.length - 1)]!);
  const t0 = performance.now();
  const scaler = fitScaler(PROFILE_FEATURES, sample);
  const { chosen } = searchK(
    sample.map((r) => scaler.scale(r)),
    { kMin: K.min, kMax: K.max, seed: 23 },
  );
  let checksum = 0;
  for (const r of rows) checksum += nearestCentroid(scaler.scale(r), chosen.centroids);
  if (!Number.isFinite(checksum)) throw new Error('baseline: no assignment');
  return { seconds: (performance.now() - t0) / 1000 };
}
