import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createClient } from 'graphql-ws';
import { Pool } from 'pg';
import WebSocket from 'ws';
import { redisConnection } from '../../src/store/redis/connections';
import { createApp } from '../../src/app';
import type { Config } from '../../src/config/env';
import { createLogger } from '../../src/observability/logger';
import { SegmentDefinitions } from '../../src/segments/segmentDefinitions';
import { collections, ensureCollections } from '../../src/store/mongo/collections';
import { connectMongo } from '../../src/store/mongo/connection';
import { MongoRfmStore } from '../../src/store/mongo/mongoRfmStore';
import { MongoSegmentMembership } from '../../src/store/mongo/mongoSegmentMembership';
import { MongoSegmentStore } from '../../src/store/mongo/mongoSegmentStore';
import type { SegmentSubjectDoc } from '../../src/store/models';
import { JobQueues } from '../../src/store/queues/jobQueues';
import { redisKeys } from '../../src/store/redis/keys';
import { RefreshProcessor } from '../../src/workers/refreshProcessor';
import { createWorkerApp } from '../../src/workers/worker';
import { intFromEnv } from '../lib/env';
import { round, summarise } from '../lib/latency';
import type { BenchContext, Scenario, ScenarioReport } from '../lib/scenario';
import { BENCH_AUTHORIZATION } from '../lib/gatewayAuth';

const NAME = 'segments';
const DAY = 86_400_000;
const TARGET_P99_MS = 200;

/**
 * Two measurements:
 * - full refresh: every segment's rule as a store filter over N segment subjects (100k by
 *   default), with the re-evaluation jobs it queues, against a raw scan of the same
 *   collection per segment (the least any full refresh must read on a store that cannot
 *   use an index for these filters);
 * - notification latency: an identify call over HTTP that flips a profile in or out of a
 *   segment, until a graphql-ws subscriber on the gateway hears it (worker in the same
 *   process), against a bare Redis publish → subscribe round trip.
 */
export const segments: Scenario = { name: NAME, run };

async function run(ctx: BenchContext): Promise<ScenarioReport> {
  const refresh = await measureRefresh(ctx);
  const latency = await measureLatency(ctx);
  const notes = [
    `${NAME}: full refresh of ${refresh.profiles} profiles × ${refresh.segments} segments in ${round(refresh.seconds, 1)} s (${round(refresh.profilesPerSecond, 0)} profiles/s, ${refresh.queued} re-evaluations queued) vs raw scans ${round(refresh.rawSeconds, 1)} s → ratio ${round(refresh.rawSeconds / refresh.seconds, 2)}`,
    `${NAME}: event → subscriber p50 ${round(latency.gateway.p50Ms)} ms, p99 ${round(latency.gateway.p99Ms)} ms over ${latency.gateway.requests} changes (target p99 < ${TARGET_P99_MS} ms: ${latency.gateway.p99Ms < TARGET_P99_MS ? 'met' : 'NOT met'}); bare Redis pub/sub p50 ${round(latency.redis.p50Ms, 2)} ms`,
  ];
  return {
    rows: [
      {
        scenario: `${NAME} (event → subscriber)`,
        side: 'gateway + worker',
        result: { ...latency.gateway, elapsedMs: 0, cpuMsPerOp: Number.NaN, firstError: null },
      },
      {
        scenario: `${NAME} (event → subscriber)`,
        side: 'Redis pub/sub only',
        result: { ...latency.redis, elapsedMs: 0, cpuMsPerOp: Number.NaN, firstError: null },
      },
    ],
    notes,
    json: {
      refresh: {
        ...refresh,
        seconds: round(refresh.seconds, 2),
        rawSeconds: round(refresh.rawSeconds, 2),
        profilesPerSecond: round(refresh.profilesPerSecond, 0),
        ratio: round(refresh.rawSeconds / refresh.seconds, 3),
      },
      notification: {
        p50Ms: round(latency.gateway.p50Ms),
        p99Ms: round(latency.gateway.p99Ms),
        changes: latency.gateway.requests,
        redisP50Ms: round(latency.redis.p50Ms, 2),
        targetP99Ms: TARGET_P99_MS,
        met: latency.gateway.p99Ms < TARGET_P99_MS,
      },
    },
    valid: latency.gateway.errors === 0,
  };
}

async function measureRefresh(ctx: BenchContext) {
  const profiles = intFromEnv('BENCH_SEGMENT_PROFILES', 100_000);
  const database = `mosaic_bench_seg_${randomBytes(4).toString('hex')}`;
  const logger = createLogger('silent', 'mosaic-bench');
  const mongo = await connectMongo(ctx.config.mongo.uri, database);
  const queues = new JobQueues(ctx.config.redis.url, redisKeys(database), logger);
  try {
    await ensureCollections(mongo.db);
    const cols = collections(mongo.db);
    ctx.progress(`${NAME}: inserting ${profiles} segment subjects`);
    const now = Date.now();
    for (let i = 0; i < profiles; i += 2_000) {
      const docs: SegmentSubjectDoc[] = [];
      for (let j = i; j < Math.min(profiles, i + 2_000); j++) {
        docs.push({
          _id: `p${String(j).padStart(8, '0')}`,
          traits: {
            plan: ['free', 'pro', 'enterprise'][j % 3],
            country: ['US', 'GB', 'DE', 'FR'][j % 4],
          },
          computed: {
            lifetimeValue: (j * 37) % 2_000,
            orderCount: j % 9,
            lastOrderAt: j % 9 === 0 ? null : new Date(now - ((j * 13) % 200) * DAY),
            emailDomainKind: j % 5 === 0 ? 'company' : 'free',
            engagementScore: (j * 7) % 101,
          },
          activity: {},
          segments: [],
          version: 1,
          enrichedAt: new Date(now),
        });
      }
      await cols.segmentSubjects.insertMany(docs);
    }
    const store = new SegmentDefinitions(new MongoSegmentStore(cols));
    await store.define('Pro or enterprise', {
      trait: 'plan',
      op: 'in',
      value: ['pro', 'enterprise'],
    });
    await store.define('Big spenders', {
      and: [
        { computed: 'lifetimeValue', op: 'gte', value: 1_000 },
        { computed: 'emailDomainKind', op: 'eq', value: 'company' },
      ],
    });
    await store.define('Lapsed', {
      and: [{ ordered: { withinDays: 365 } }, { noOrderWithinDays: 30 }],
    });
    const processor = new RefreshProcessor({
      membership: new MongoSegmentMembership(cols),
      rfm: new MongoRfmStore(cols),
      segments: store,
      queues,
    });
    ctx.progress(`${NAME}: full refresh`);
    const t0 = performance.now();
    const result = await processor.refresh();
    const seconds = (performance.now() - t0) / 1000;
    ctx.progress(`${NAME}: raw scans`);
    const t1 = performance.now();
    for (let s = 0; s < result.segments; s++)
      await cols.segmentSubjects.find({}, { projection: { _id: 1 } }).toArray();
    const rawSeconds = (performance.now() - t1) / 1000;
    return {
      profiles,
      segments: result.segments,
      seconds,
      rawSeconds,
      profilesPerSecond: profiles / seconds,
      queued: result.profilesToReevaluate,
    };
  } finally {
    await queues.enrichment.obliterate({ force: true }).catch(() => undefined);
    await queues.close();
    await mongo.db.dropDatabase().catch(() => undefined);
    await mongo.close();
  }
}

async function measureLatency(ctx: BenchContext) {
  const changes = intFromEnv('BENCH_SEGMENT_CHANGES', 60);
  const tag = randomBytes(4).toString('hex');
  const database = `mosaic_bench_notify_${tag}`;
  const schema = `bench_notify_${tag}`;
  const config: Config = { ...ctx.config, postgres: { ...ctx.config.postgres, schema } };
  const logger = createLogger('silent', 'mosaic-bench');
  const app = await createApp(config, logger, { database });
  const worker = await createWorkerApp(config, logger, { database });
  const url = `http://127.0.0.1:${await app.gateway.listen(0, '127.0.0.1')}`;
  const client = createClient({
    url: `${url.replace('http', 'ws')}/graphql`,
    connectionParams: { authorization: BENCH_AUTHORIZATION },
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
  try {
    await app.services.segments.define('Pro users', { trait: 'plan', op: 'eq', value: 'pro' });
    const heard: (() => void)[] = [];
    const unsubscribe = client.subscribe(
      {
        query: `subscription { segmentMembershipChanged(segmentId: "pro-users") { profileId change } }`,
      },
      { next: () => heard.shift()?.(), error: () => undefined, complete: () => undefined },
    );
    await new Promise((r) => setTimeout(r, 300));
    const identify = (i: number) =>
      fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: BENCH_AUTHORIZATION },
        body: JSON.stringify({
          query: 'mutation($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }',
          variables: {
            e: [
              {
                type: 'IDENTIFY',
                userId: `bench-${tag}`,
                traits: { plan: i % 2 === 0 ? 'pro' : 'free' },
                messageId: `n-${tag}-${i}`,
              },
            ],
          },
        }),
      });
    // Warm up: the first call creates the profile.
    const first = new Promise<void>((resolve) => heard.push(resolve));
    await identify(0);
    await first;
    ctx.progress(`${NAME}: ${changes} membership changes through the gateway and a worker`);
    const latencies: number[] = [];
    let errors = 0;
    for (let i = 1; i <= changes; i++) {
      const t0 = performance.now();
      const got = new Promise<void>((resolve, reject) => {
        heard.push(resolve);
        setTimeout(() => reject(new Error('no notification in 10 s')), 10_000).unref();
      });
      await identify(i);
      try {
        await got;
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
        heard.length = 0;
      }
    }
    unsubscribe();
    return {
      gateway: summarise(latencies, errors, 0),
      redis: await redisRoundTrips(ctx.config.redis.url, changes),
    };
  } finally {
    await client.dispose();
    await worker.close();
    await app.db.dropDatabase().catch(() => undefined);
    await app.close();
    const pool = new Pool({ connectionString: ctx.config.postgres.url, max: 1 });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
  }
}

/** The floor: one PUBLISH heard by a SUBSCRIBE connection. */
async function redisRoundTrips(url: string, n: number) {
  // As Mosaic connects (one server, or a cluster when REDIS_URL says so).
  const pub = redisConnection(url, 'publisher');
  const sub = redisConnection(url, 'subscriber');
  const channel = `bench-${randomBytes(4).toString('hex')}`;
  await sub.subscribe(channel);
  const latencies: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const got = new Promise<void>((resolve) => sub.once('message', () => resolve()));
    await pub.publish(channel, 'x');
    await got;
    latencies.push(performance.now() - t0);
  }
  pub.disconnect();
  sub.disconnect();
  return summarise(latencies, 0, 0);
}
