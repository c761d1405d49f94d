import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Db } from 'mongodb';
import { ClusteringDefinitions } from '../../src/clustering/clusteringDefinitions';
import type { ClusteringRunDoc } from '../../src/clustering/clusteringModels';
import { storedSubjects } from '../../src/clustering/clusteringRun';
import { nearestCentroid } from '../../src/clustering/clusterQuality';
import { fitScaler } from '../../src/clustering/featureScaling';
import { searchK } from '../../src/clustering/kmeansSearch';
import { featureRow, PROFILE_FEATURES } from '../../src/clustering/profileFeatures';
import { seededRandom, type Random } from '../../src/seededRandom';
import { collections, ensureCollections } from '../../src/store/mongo/collections';
import { connectMongo } from '../../src/store/mongo/connection';
import { MongoSegmentMembership } from '../../src/store/mongo/mongoSegmentMembership';
import { MongoClusteringStore } from '../../src/store/mongo/mongoClusteringStore';
import { MongoSegmentHealthStore } from '../../src/store/mongo/mongoSegmentHealthStore';
import { MongoSegmentStore } from '../../src/store/mongo/mongoSegmentStore';
import { JobQueues } from '../../src/store/queues/jobQueues';
import { redisKeys } from '../../src/store/redis/keys';
import { RedisPubSub } from '../../src/store/redis/redisPubSub';
import { createLogger } from '../../src/observability/logger';
import { HealthRecorder } from '../../src/segments/healthRecorder';
import { SegmentDefinitions } from '../../src/segments/segmentDefinitions';
import { ClusteringProcessor } from '../../src/workers/clusteringProcessor';
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
 * A clustering refresh as the worker's job runs it, over N gold documents (100k by default,
 * BENCH_CLUSTER_PROFILES) in the store: the read of every profile with its features, the
 * fit with the k search over 2..10 on a sample of 20,000 (BENCH_CLUSTER_SAMPLE), the
 * assignment of every profile, and the refresh of memberships (every profile enters a
 * cluster segment on the first run), each timed; then a second refresh after 1% of the
 * profiles changed. Baseline, in the same run: every profile's feature row
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

/** The refit as the worker runs it, over this database's stores (no PostgreSQL needed). */
function refitter(ctx: BenchContext, db: Db, database: string) {
  const cols = collections(db);
  const logger = createLogger('silent', 'mosaic-bench');
  const keys = redisKeys(database);
  const queues = new JobQueues(ctx.config.redis.url, keys, logger);
  const pubsub = new RedisPubSub(ctx.config.redis.url, keys, logger);
  const membership = new MongoSegmentMembership(cols);
  const segments = new SegmentDefinitions(new MongoSegmentStore(cols));
  const clusterings = new ClusteringDefinitions(new MongoClusteringStore(cols));
  const processor = new ClusteringProcessor({
    clusterings,
    segments,
    membership,
    queues,
    pubsub,
    health: new HealthRecorder({
      segments,
      membership,
      health: new MongoSegmentHealthStore(cols),
      pubsub,
      queues,
    }),
  });
  return {
    membership,
    clusterings,
    processor,
    close: async () => {
      await queues.close();
      await pubsub.close();
    },
  };
}

async function insertGold(db: Db, profiles: number, now: number): Promise<void> {
  const cols = collections(db);
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
}

/** One profile in a hundred changes: a new order for those with orders, a first one for others. */
async function driftOnePercent(db: Db, profiles: number, now: number): Promise<number> {
  const subjects = collections(db).segmentSubjects;
  const rand = seededRandom(29);
  let changed = 0;
  for (let i = 0; i < profiles; i += 100) {
    const id = `p${String(i + rand.int(0, 99)).padStart(8, '0')}`;
    await subjects.updateOne({ _id: id }, { $set: { computed: computedOf(rand, now) } });
    changed++;
  }
  return changed;
}

async function run(ctx: BenchContext): Promise<ScenarioReport> {
  const profiles = intFromEnv('BENCH_CLUSTER_PROFILES', 100_000);
  const sampleSize = intFromEnv('BENCH_CLUSTER_SAMPLE', 20_000);
  const database = `mosaic_bench_cluster_${randomBytes(4).toString('hex')}`;
  const mongo = await connectMongo(ctx.config.mongo.uri, database);
  const stack = refitter(ctx, mongo.db, database);
  try {
    await ensureCollections(mongo.db);
    ctx.progress(`${NAME}: inserting ${profiles} gold documents`);
    const now = Date.now();
    await insertGold(mongo.db, profiles, now);
    const definition = await stack.clusterings.define({
      name: 'Bench behaviour',
      kMin: K.min,
      kMax: K.max,
      seed: 23,
      sampleSize,
    });
    ctx.progress(`${NAME}: first refit (every profile enters a cluster)`);
    const first = (await stack.processor.refit(definition._id, 'bench: first'))!;
    ctx.progress(`${NAME}: 1% of profiles change; second refit`);
    const drifted = await driftOnePercent(mongo.db, profiles, now);
    const second = (await stack.processor.refit(definition._id, 'bench: after drift'))!;

    ctx.progress(`${NAME}: baseline in memory`);
    const rows: (number | null)[][] = [];
    for await (const { subject } of storedSubjects(stack.membership)())
      rows.push(featureRow(subject, new Date(now)));
    const baseline = inMemoryBaseline(rows, sampleSize);
    return report(profiles, { first, second, drifted }, baseline.seconds);
  } finally {
    await stack.close();
    await mongo.db.dropDatabase().catch(() => undefined);
    await mongo.close();
  }
}

const seconds = (run: ClusteringRunDoc): number =>
  (run.finishedAt!.getTime() - run.startedAt.getTime()) / 1000;

function report(
  profiles: number,
  runs: { first: ClusteringRunDoc; second: ClusteringRunDoc; drifted: number },
  baselineSeconds: number,
): ScenarioReport {
  const { first, second, drifted } = runs;
  const result = first.result!;
  const { sampleMs, fitMs, assignMs, membershipMs } = result.timings;
  const ours = (fitMs + assignMs) / 1000;
  const ratio = baselineSeconds / ours;
  const whole = seconds(first);
  const parts = (r: ClusteringRunDoc) => {
    const t = r.result!.timings;
    return `read + feature extraction ${round(t.sampleMs / 1000, 1)} s, fit ${round(t.fitMs / 1000, 1)} s, assignment ${round(t.assignMs / 1000, 2)} s, memberships ${round(t.membershipMs / 1000, 1)} s (${r.result!.reassigned} re-assigned)`;
  };
  const notes = [
    `${NAME}: first refresh of ${profiles} profiles in ${round(whole, 1)} s: ${parts(first)} (target whole refresh < ${TARGET_SECONDS} s: ${whole < TARGET_SECONDS ? 'met' : 'NOT met'})`,
    `${NAME}: refresh after ${drifted} profiles changed: ${round(seconds(second), 1)} s: ${parts(second)}; changed share ${round(second.result!.changedShare, 4)}; ids kept ${second.result!.clusters.filter((c) => result.clusters.some((p) => p.id === c.id)).length} of ${second.result!.k}`,
    `${NAME}: fit + assignment ${round(ours, 2)} s vs in-memory baseline ${round(baselineSeconds, 2)} s → ratio ${round(ratio, 2)} (target ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})`,
    `${NAME}: k = ${result.k}; silhouette by k ${result.perK.map((p) => `${p.k}:${round(p.silhouette, 3)}`).join(' ')}`,
    ...result.clusters.map((c) => `${NAME}:   ${c.segmentId} ${c.size} profiles: ${c.description}`),
  ];
  const row = (side: string, secs: number, ops: number) => ({
    scenario: `${NAME} (${profiles} profiles)`,
    side,
    result: {
      requests: ops,
      errors: 0,
      rps: ops / secs,
      p50Ms: Number.NaN,
      p99Ms: Number.NaN,
      meanMs: Number.NaN,
      maxMs: Number.NaN,
      elapsedMs: secs * 1000,
      cpuMsPerOp: Number.NaN,
      firstError: null,
    },
  });
  return {
    rows: [
      row('fit + assign, refit', ours, profiles),
      row('in-memory baseline', baselineSeconds, profiles),
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
        refresh: round(whole, 2),
        featureExtraction: round(sampleMs / 1000, 2),
        fit: round(fitMs / 1000, 2),
        assign: round(assignMs / 1000, 2),
        memberships: round(membershipMs / 1000, 2),
        refreshAfterDrift: round(seconds(second), 2),
        baseline: round(baselineSeconds, 2),
      },
      changedShareAfterDrift: round(second.result!.changedShare, 4),
      ratio: round(ratio, 3),
    },
    valid: true,
  };
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
