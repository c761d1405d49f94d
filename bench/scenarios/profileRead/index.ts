import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { createApp, type App } from '../../../src/app';
import type { Config } from '../../../src/config/env';
import { createLogger } from '../../../src/observability/logger';
import { redisKeys } from '../../../src/store/redis/keys';
import { scanKeys } from '../../../src/store/redis/scanKeys';
import { createWorkerApp } from '../../../src/workers/worker';
import { readGoldRaw, type RawGoldAnswer } from '../../baseline/rawGoldRead';
import { startStaticApollo } from '../../baseline/staticApollo';
import { intFromEnv } from '../../lib/env';
import { BENCH_AUTHORIZATION } from '../../lib/gatewayAuth';
import { combine, mapConcurrently, runLoad, type LoadResult, type LoadRun } from '../../lib/load';
import type { BenchContext, Scenario, ScenarioReport } from '../../lib/scenario';
import { customerIdOf, emailOf, PEOPLE_PER_BATCH, seedPeople, SEGMENTS } from './seed';
import { reportProfileRead, type Measured } from './report';

const NAME = 'profile-read';
export const RECENT_EVENTS = 20;
const ROUNDS = 4;
const PAGE_SIZE = 100;
const PAGE_SAMPLES = 10;

/** The frontend query (README): what a page view asks to personalise itself. */
export const FRONTEND_QUERY = `query Personalise($email: String!) {
  profileByIdentifier(kind: EMAIL, value: $email) {
    id identifiers { kind value } traits computedTraits segments { id name }
    recentEvents(first: ${RECENT_EVENTS}) { id type event timestamp }
    orderStats { count totals { currency amount } }
  }
}`;

/** A page of profiles with each of the three sources (CRM, orders, events). */
const PAGE_QUERY = `query Page($first: Int!) {
  profiles(first: $first) { edges { node {
    id traits crmRecords { crmId } orderStats { count } recentEvents(first: 5) { id }
  } } }
}`;

interface Answer {
  id: string;
  identifiers: unknown[];
  traits: Record<string, unknown>;
  computedTraits: Record<string, unknown> | null;
  segments: { id: string }[];
  recentEvents: { id: string }[];
  orderStats: { count: number; totals: { currency: string; amount: number }[] };
}

/**
 * The frontend query at 16 clients against four sides in alternating rounds: the gateway
 * with its hot tier, the gateway reading the store only (MOSAIC_HOT_TIER=off, same data),
 * a plain Apollo Server over a static profile (anchor 1) and a raw Redis read of the gold
 * document plus the orders SQL (anchor 2). Then a page of 100 profiles with three sources.
 */
export const profileRead: Scenario = { name: NAME, run };

async function run(ctx: BenchContext): Promise<ScenarioReport> {
  // At least a page of profiles: the page of 100 is measured too.
  const profiles = intFromEnv('BENCH_PROFILES', 10_000, PAGE_SIZE);
  const seedConcurrency = intFromEnv('BENCH_SEED_CONCURRENCY', 8);
  // Seeding 10,000 profiles takes most of an hour here: a run can keep its seeded data
  // (BENCH_KEEP_DATABASE=1) and a later one measure it again (BENCH_PROFILE_READ_DATABASE).
  const reuse = process.env.BENCH_PROFILE_READ_DATABASE?.trim() || null;
  const keep = reuse !== null || process.env.BENCH_KEEP_DATABASE === '1';
  const tag = reuse === null ? randomBytes(4).toString('hex') : tagOf(reuse);
  const database = `mosaic_bench_${tag}`;
  const schema = `bench_read_${tag}`;
  const logger = createLogger('silent', 'mosaic-bench');
  // Generous source timeouts: an answer served stale after a timeout would look fast.
  const config: Config = {
    ...ctx.config,
    postgres: { ...ctx.config.postgres, schema },
    sources: { ...ctx.config.sources, defaultTimeoutMs: 10_000, timeouts: {} },
    hotTier: { ...ctx.config.hotTier, enabled: true },
    // A frontend's key serves every page view: limited, but far above this load, so the
    // limiter's own cost (a Redis counter per request) is part of what is measured.
    auth: { ...ctx.config.auth, rateLimitPerMinute: 10_000_000 },
  };
  const hot = await createApp(config, logger, { database, countStoreCommands: true });
  const cold = await createApp(
    { ...config, hotTier: { ...config.hotTier, enabled: false } },
    logger,
    { database, countStoreCommands: true },
  );
  const redis = new Redis(config.redis.url);
  const pg = new Pool({
    connectionString: config.postgres.url,
    max: 10,
    options: `-c search_path=${schema}`,
  });
  try {
    const seedSeconds =
      reuse === null
        ? await seed(ctx, config, hot, database, tag, profiles, seedConcurrency)
        : Number.NaN;
    if (reuse !== null) ctx.progress(`${NAME}: measuring ${reuse}, seeded by an earlier run`);
    const emails = Array.from({ length: profiles }, (_, i) => emailOf(tag, i));
    const urls = {
      hot: `http://127.0.0.1:${await hot.gateway.listen(0, '127.0.0.1')}/graphql`,
      cold: `http://127.0.0.1:${await cold.gateway.listen(0, '127.0.0.1')}/graphql`,
    };
    ctx.progress(
      `${NAME}: reading every profile twice through the hot tier (it fills on the second)`,
    );
    const answers = await mapConcurrently(emails, ctx.concurrency, async (e) => {
      await graphql<Answer>(urls.hot, e);
      return graphql<Answer>(urls.hot, e);
    });
    const ids = answers.map((a) => a.id);
    const anchor = await startStaticApollo({ ...answers[0]! });
    const keys = redisKeys(database);
    try {
      await crossCheck(urls, redis, pg, keys, emails.slice(0, 5), ids, tag);
      const pick = () => Math.floor(Math.random() * profiles);
      const sides: Record<Measured, (signal: AbortSignal) => Promise<unknown>> = {
        hot: (signal) => graphql(urls.hot, emails[pick()]!, signal),
        cold: (signal) => graphql(urls.cold, emails[pick()]!, signal),
        apollo: (signal) => graphql(anchor.url, emails[pick()]!, signal),
        raw: () => {
          const i = pick();
          return readGoldRaw(
            redis,
            pg,
            keys.hotGold(ids[i]!),
            [customerIdOf(tag, i)],
            RECENT_EVENTS,
          );
        },
      };
      const measured = await measure(ctx, sides, { hot, cold });
      const page = await pageTimes(urls.hot, hot);
      return reportProfileRead({ ctx, profiles, seedSeconds, ...measured, ...page });
    } finally {
      await anchor.stop();
    }
  } finally {
    if (!keep)
      await hot.db
        .dropDatabase()
        .catch((err: unknown) =>
          ctx.progress(`${NAME}: could not drop ${database}: ${String(err)}`),
        );
    await Promise.all([hot.close(), cold.close()]).catch((err: unknown) =>
      ctx.progress(`${NAME}: an app did not close cleanly: ${String(err)}`),
    );
    if (keep) {
      ctx.progress(`${NAME}: kept; measure again with BENCH_PROFILE_READ_DATABASE=${database}`);
      redis.disconnect();
      await pg.end();
    } else await dropRest(redis, pg, database, schema);
  }
}

/** The run tag of a kept database (`mosaic_bench_<tag>`): its emails and schema use it. */
function tagOf(database: string): string {
  const match = /^mosaic_bench_([0-9a-f]{8})$/.exec(database);
  if (!match)
    throw new Error(`BENCH_PROFILE_READ_DATABASE: "${database}" is not a kept bench database`);
  return match[1]!;
}

async function seed(
  ctx: BenchContext,
  config: Config,
  app: App,
  database: string,
  tag: string,
  profiles: number,
  concurrency: number,
): Promise<number> {
  const start = performance.now();
  // The real worker computes traits and memberships, as it would for these writes.
  const worker = await createWorkerApp(config, createLogger('silent', 'mosaic-bench'), {
    database,
  });
  try {
    for (const s of SEGMENTS) await app.services.segments.define(s.name, s.rule);
    const groups = Array.from({ length: Math.ceil(profiles / PEOPLE_PER_BATCH) }, (_, g) => g);
    let done = 0;
    await mapConcurrently(groups, concurrency, async (g) => {
      const first = g * PEOPLE_PER_BATCH;
      await seedPeople(app.services, tag, first, Math.min(PEOPLE_PER_BATCH, profiles - first));
      done += PEOPLE_PER_BATCH;
      if (
        done %
          Math.max(
            PEOPLE_PER_BATCH,
            Math.ceil(profiles / 10 / PEOPLE_PER_BATCH) * PEOPLE_PER_BATCH,
          ) ===
        0
      )
        ctx.progress(`${NAME}: seeded ${Math.min(done, profiles)}/${profiles}`);
    });
    ctx.progress(`${NAME}: waiting for the worker to enrich every profile`);
    for (;;) {
      const counts = await worker.queues.enrichment.getJobCounts(
        'waiting',
        'active',
        'prioritized',
        'delayed',
      );
      if (Object.values(counts).every((n) => n === 0)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await worker.close();
  }
  const seconds = (performance.now() - start) / 1000;
  ctx.progress(
    `${NAME}: seeded and enriched in ${seconds.toFixed(0)} s (${(profiles / seconds).toFixed(0)} profiles/s)`,
  );
  return seconds;
}

async function graphql<T = unknown>(url: string, email: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: BENCH_AUTHORIZATION },
    body: JSON.stringify({ query: FRONTEND_QUERY, variables: { email } }),
    ...(signal ? { signal } : {}),
  });
  const body = (await res.json()) as {
    data?: { profileByIdentifier: T | null };
    errors?: { message: string }[];
    extensions?: { sources?: unknown };
  };
  if (res.status !== 200 || body.errors)
    throw new Error(`HTTP ${res.status}: ${body.errors?.[0]?.message ?? 'no error message'}`);
  // A source that did not answer in time was served from the cache: not the path measured.
  if (body.extensions?.sources !== undefined) throw new Error(`${email}: stale answer`);
  const profile = body.data?.profileByIdentifier ?? null;
  if (profile === null) throw new Error(`no profile for ${email}`);
  return profile;
}

/** The sides are only comparable if they answer the same: checked on a few profiles first. */
async function crossCheck(
  urls: { hot: string; cold: string },
  redis: Redis,
  pg: Pool,
  keys: ReturnType<typeof redisKeys>,
  emails: string[],
  ids: string[],
  tag: string,
): Promise<void> {
  for (const [i, email] of emails.entries()) {
    const [h, c] = await Promise.all([
      graphql<Answer>(urls.hot, email),
      graphql<Answer>(urls.cold, email),
    ]);
    const raw: RawGoldAnswer = await readGoldRaw(
      redis,
      pg,
      keys.hotGold(ids[i]!),
      [customerIdOf(tag, i)],
      RECENT_EVENTS,
    );
    const summary = (a: {
      id: string;
      eventIds: string[];
      segmentIds: string[];
      orderCount: number;
      totals: unknown;
    }) => JSON.stringify([a.id, a.eventIds, [...a.segmentIds].sort(), a.orderCount, a.totals]);
    const fromGraphQL = (a: Answer) =>
      summary({
        id: a.id,
        eventIds: a.recentEvents.map((e) => e.id),
        segmentIds: a.segments.map((s) => s.id),
        orderCount: a.orderStats.count,
        totals: a.orderStats.totals,
      });
    if (fromGraphQL(h) !== fromGraphQL(c) || fromGraphQL(h) !== summary(raw))
      throw new Error(
        `the sides disagree for ${email}:\n  ${fromGraphQL(h)}\n  ${fromGraphQL(c)}\n  ${summary(raw)}`,
      );
    if (h.recentEvents.length !== RECENT_EVENTS || h.computedTraits === null)
      throw new Error(
        `${email}: ${h.recentEvents.length} events, computed traits ${JSON.stringify(h.computedTraits)}`,
      );
  }
}

/** Alternating short rounds: whatever else the machine does weighs on every side alike. */
async function measure(
  ctx: BenchContext,
  sides: Record<Measured, (signal: AbortSignal) => Promise<unknown>>,
  apps: { hot: App; cold: App },
) {
  const load = { concurrency: ctx.concurrency, timeoutMs: 10_000 };
  ctx.progress(`${NAME}: warming up (${ctx.warmupSeconds} s each)`);
  for (const op of Object.values(sides))
    await runLoad({ ...load, durationMs: ctx.warmupSeconds * 1000 }, (_, s) =>
      op(s).then(() => undefined),
    );
  const runs: Record<Measured, LoadRun[]> = { hot: [], cold: [], apollo: [], raw: [] };
  const commands = { hot: 0, cold: 0 };
  const counts = apps.hot.services.gold!.counts.hot;
  const hitsBefore = { ...counts };
  const stored = apps.cold.services.gold!.counts.stored;
  const storedBefore = { ...stored };
  ctx.progress(
    `${NAME}: ${ctx.seconds} s per side, ${ctx.concurrency} clients, ${ROUNDS} alternating rounds`,
  );
  for (let r = 0; r < ROUNDS; r++) {
    for (const side of Object.keys(sides) as Measured[]) {
      const app = side === 'hot' || side === 'cold' ? apps[side] : null;
      const before = app?.storeCommands() ?? 0;
      runs[side].push(
        await runLoad({ ...load, durationMs: (ctx.seconds * 1000) / ROUNDS }, (_, s) =>
          sides[side](s).then(() => undefined),
        ),
      );
      if (app) commands[side as 'hot' | 'cold'] += app.storeCommands() - before;
    }
  }
  const results = Object.fromEntries(
    (Object.keys(runs) as Measured[]).map((s) => [s, combine(runs[s])]),
  ) as Record<Measured, LoadResult>;
  const reads = {
    hit: counts.hit - hitsBefore.hit,
    miss: counts.miss - hitsBefore.miss,
    bypass: counts.bypass - hitsBefore.bypass,
  };
  return {
    results,
    commandsPerRead: {
      hot: results.hot.requests > 0 ? commands.hot / results.hot.requests : 0,
      cold: results.cold.requests > 0 ? commands.cold / results.cold.requests : 0,
    },
    hitRate:
      reads.hit + reads.miss + reads.bypass > 0
        ? reads.hit / (reads.hit + reads.miss + reads.bypass)
        : 0,
    storedHitRate: rate(stored.hit - storedBefore.hit, stored.miss - storedBefore.miss),
  };
}

const rate = (hits: number, misses: number) => (hits + misses > 0 ? hits / (hits + misses) : 0);

/**
 * Latency of one page of 100 profiles with three sources, sampled one at a time, and the
 * store commands a page costs, by kind (what bounds it).
 */
async function pageTimes(
  url: string,
  app: App,
): Promise<{ page: number[]; pageCommands: Map<string, number> }> {
  const times: number[] = [];
  let before = new Map<string, number>();
  for (let i = 0; i <= PAGE_SAMPLES; i++) {
    if (i === 1) before = new Map(app.storeCommandsByKind());
    const t0 = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: BENCH_AUTHORIZATION },
      body: JSON.stringify({ query: PAGE_QUERY, variables: { first: PAGE_SIZE } }),
    });
    const body = (await res.json()) as {
      errors?: unknown;
      data?: { profiles: { edges: unknown[] } };
    };
    if (res.status !== 200 || body.errors || body.data?.profiles.edges.length !== PAGE_SIZE)
      throw new Error(`page of ${PAGE_SIZE}: HTTP ${res.status} ${JSON.stringify(body.errors)}`);
    if (i > 0) times.push(performance.now() - t0); // the first warms the loaders' paths
  }
  const pageCommands = new Map<string, number>();
  for (const [kind, n] of app.storeCommandsByKind()) {
    const perPage = (n - (before.get(kind) ?? 0)) / PAGE_SAMPLES;
    if (perPage > 0) pageCommands.set(kind, perPage);
  }
  return { page: times.sort((a, b) => a - b), pageCommands };
}

/** The run's PostgreSQL schema and Redis keys. */
async function dropRest(redis: Redis, pg: Pool, database: string, schema: string) {
  await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await pg.end();
  for await (const found of scanKeys(redis, `mosaic:${database}:*`, 1000))
    await redis.unlink(...found);
  redis.disconnect();
}
