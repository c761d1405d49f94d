import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { createApp } from '../../src/app';
import type { EventInput } from '../../src/ingest/eventIngestionService';
import { createLogger } from '../../src/observability/logger';
import type { Services } from '../../src/services';
import { rawCollections, readProfileByEmail } from '../baseline/rawProfileRead';
import { intFromEnv } from '../lib/env';
import { checkIdIndexes, type IdIndexState } from '../lib/ferretSqliteIdIndex';
import { round } from '../lib/latency';
import { combine, mapConcurrently, runLoad, type LoadResult, type LoadRun } from '../lib/load';
import type { BenchContext, Scenario, ScenarioReport } from '../lib/scenario';

const NAME = 'profile-read';
const EVENTS_PER_PROFILE = 20;
const RECENT_EVENTS = 20;
const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 25;
/** Gateway and baseline answers compared before the load, as a check that both read the same. */
const CROSS_CHECKS = 5;
const ROUNDS = 4;

const QUERY = `query($v:String!){ profileByIdentifier(kind: EMAIL, value: $v){ id identifiers{kind value} traits sources{name contributions} recentEvents(first: ${RECENT_EVENTS}){ id type event timestamp } } }`;

const TRACK_EVENTS = ['Product Viewed', 'Product Added', 'Cart Viewed', 'Checkout Started'];

interface GraphQLProfile {
  id: string;
  recentEvents: { id: string }[];
}

interface GraphQLResponse {
  data?: { profileByIdentifier: GraphQLProfile | null } | null;
  errors?: { message: string }[];
}

/**
 * `profileByIdentifier` with traits, sources and 20 recent events, over real HTTP,
 * against the raw-driver baseline. Each seeded profile is a CRM contact plus an
 * anonymous visitor's 20 track events, joined by an identify call, so every read follows
 * a merge and reads two event logs: the shape of a real customer's profile.
 */
export const profileRead: Scenario = { name: NAME, run };

async function run(ctx: BenchContext): Promise<ScenarioReport> {
  // Seeding goes through identity resolution, about ten profiles a second on a 2-core
  // machine; 1,000 keeps the whole run near two minutes. Reads are `_id` look-ups, whose
  // cost hardly depends on the data size, so more profiles change little but the wait.
  const profiles = intFromEnv('BENCH_PROFILES', 1_000);
  const seedConcurrency = intFromEnv('BENCH_SEED_CONCURRENCY', 8);
  const tag = randomBytes(4).toString('hex');
  const database = `mosaic_bench_${tag}`;

  const app = await createApp(ctx.config, createLogger('silent', 'mosaic-bench'), { database });
  // The baseline's own client, configured as the gateway's pool is, so neither side gets
  // more connections to the store than the other.
  const client = new MongoClient(ctx.config.mongo.uri, { maxPoolSize: 50, retryWrites: false });
  try {
    await client.connect();
    const raw = rawCollections(client.db(database));
    const idIndex = await checkIdIndexes(database);
    ctx.progress(`${NAME}: ${describeIdIndex(idIndex)}`);

    ctx.progress(`${NAME}: seeding ${profiles} profiles into ${database}`);
    const seedStart = performance.now();
    let done = 0;
    const emails = await mapConcurrently(
      Array.from({ length: profiles }, (_, i) => i),
      seedConcurrency,
      async (i) => {
        const email = await seedProfile(app.services, tag, i);
        if (++done % Math.ceil(profiles / 5) === 0)
          ctx.progress(`${NAME}: seeded ${done}/${profiles}`);
        return email;
      },
    );
    const seedSeconds = (performance.now() - seedStart) / 1000;
    ctx.progress(
      `${NAME}: seeded in ${seedSeconds.toFixed(1)} s (${(profiles / seedSeconds).toFixed(0)} profiles/s)`,
    );

    const port = await app.gateway.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${port}/graphql`;
    const pick = () => emails[Math.floor(Math.random() * emails.length)]!;

    const gatewayRead = async (signal: AbortSignal): Promise<GraphQLProfile> => {
      const email = pick();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: QUERY, variables: { v: email } }),
        signal,
      });
      const body = (await res.json()) as GraphQLResponse;
      if (res.status !== 200 || body.errors)
        throw new Error(`HTTP ${res.status}: ${body.errors?.[0]?.message ?? 'no error message'}`);
      return checkProfile(body.data?.profileByIdentifier ?? null, email);
    };
    const baselineRead = async () => {
      const email = pick();
      return checkProfile(await readProfileByEmail(raw, email, RECENT_EVENTS), email);
    };

    await crossCheck(url, raw, emails.slice(0, CROSS_CHECKS));

    const load = { concurrency: ctx.concurrency, timeoutMs: 10_000 };
    const sides = {
      gateway: (_: number, signal: AbortSignal) => gatewayRead(signal).then(() => undefined),
      baseline: () => baselineRead().then(() => undefined),
    };
    ctx.progress(`${NAME}: warming up (${ctx.warmupSeconds} s each)`);
    for (const op of Object.values(sides)) {
      await runLoad({ ...load, durationMs: ctx.warmupSeconds * 1000 }, op);
    }

    // Alternating short rounds instead of one long run per side: whatever else the
    // machine is doing then weighs on both sides alike, which keeps the ratio honest.
    const runs: Record<keyof typeof sides, LoadRun[]> = { gateway: [], baseline: [] };
    const roundMs = (ctx.seconds * 1000) / ROUNDS;
    ctx.progress(
      `${NAME}: ${ctx.seconds} s per side, ${ctx.concurrency} workers, ${ROUNDS} alternating rounds`,
    );
    for (let i = 0; i < ROUNDS; i++) {
      for (const side of ['gateway', 'baseline'] as const) {
        runs[side].push(await runLoad({ ...load, durationMs: roundMs }, sides[side]));
      }
    }
    const gateway = combine(runs.gateway);
    const baseline = combine(runs.baseline);

    return report({ profiles, seedSeconds, gateway, baseline, idIndex, ctx });
  } finally {
    await app
      .close()
      .catch((err: unknown) =>
        ctx.progress(`${NAME}: the app did not close cleanly: ${String(err)}`),
      );
    await client
      .db(database)
      .dropDatabase()
      .catch((err: unknown) => ctx.progress(`${NAME}: could not drop ${database}: ${String(err)}`));
    await client.close();
  }
}

/** One profile through the real write path; returns the email to read it by. */
async function seedProfile(services: Services, tag: string, i: number): Promise<string> {
  const email = `user${i}@${tag}.bench.example.com`;
  await services.crmContacts.upsert({
    crmId: `bench-${tag}-${i}`,
    firstName: `First${i}`,
    lastName: `Last${i}`,
    emails: [email],
    // A valid US number per profile (libphonenumber checks the number plan).
    phones: [`+1 650 ${253 + Math.floor(i / 10_000)} ${String(i % 10_000).padStart(4, '0')}`],
    attributes: {
      plan: ['free', 'pro', 'enterprise'][i % 3],
      lifetimeValue: i * 3.5,
      vip: i % 7 === 0,
    },
  });

  // The visitor browses anonymously first, then identifies: the identify call merges
  // the anonymous profile into the (older) CRM one.
  const anonymousId = `anon-${tag}-${i}`;
  const start = Date.now() - 60 * 60_000;
  const events: EventInput[] = Array.from({ length: EVENTS_PER_PROFILE }, (_, k) => ({
    type: 'track',
    messageId: `bench-${tag}-${i}-${k}`,
    event: TRACK_EVENTS[k % TRACK_EVENTS.length]!,
    anonymousId,
    properties: { sku: `SKU-${(i * 31 + k) % 500}`, price: 10 + (k % 9), step: k },
    timestamp: new Date(start + k * 60_000),
  }));
  events.push({
    type: 'identify',
    messageId: `bench-${tag}-${i}-identify`,
    anonymousId,
    traits: { email },
    timestamp: new Date(start + EVENTS_PER_PROFILE * 60_000),
  });
  const result = await services.events.ingest(events);
  if (result.accepted !== events.length) {
    throw new Error(`seeding ${email}: ${result.accepted}/${events.length} events accepted`);
  }
  return email;
}

function checkProfile<T extends GraphQLProfile>(profile: T | null, email: string): T {
  if (profile === null) throw new Error(`no profile for ${email}`);
  if (profile.recentEvents.length !== RECENT_EVENTS) {
    throw new Error(
      `${email}: ${profile.recentEvents.length} recent events, expected ${RECENT_EVENTS}`,
    );
  }
  return profile;
}

/**
 * The baseline is only a fair yardstick if it reads what the gateway reads: same
 * profile, same events, in the same order, through a merge.
 */
async function crossCheck(
  url: string,
  raw: ReturnType<typeof rawCollections>,
  emails: string[],
): Promise<void> {
  for (const email of emails) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY, variables: { v: email } }),
    });
    const body = (await res.json()) as GraphQLResponse;
    const viaGateway = checkProfile(body.data?.profileByIdentifier ?? null, email);
    const viaDriver = checkProfile(await readProfileByEmail(raw, email, RECENT_EVENTS), email);
    const ids = (p: GraphQLProfile) => [p.id, ...p.recentEvents.map((e) => e.id)].join(',');
    if (ids(viaGateway) !== ids(viaDriver)) {
      throw new Error(
        `gateway and baseline disagree for ${email}:\n  ${ids(viaGateway)}\n  ${ids(viaDriver)}`,
      );
    }
    if (viaDriver.mergedFrom.length !== 1) {
      throw new Error(`${email}: expected one merged profile, got ${viaDriver.mergedFrom.length}`);
    }
  }
}

function report(r: {
  profiles: number;
  seedSeconds: number;
  gateway: LoadResult;
  baseline: LoadResult;
  idIndex: IdIndexState;
  ctx: BenchContext;
}): ScenarioReport {
  const { gateway, baseline, ctx } = r;
  const ratio = baseline.rps > 0 ? gateway.rps / baseline.rps : Number.NaN;
  const ratioMet = ratio >= TARGET_RATIO;
  const p99Met = gateway.p99Ms < TARGET_P99_MS;
  const side = (l: LoadResult) => ({
    requests: l.requests,
    errors: l.errors,
    rps: round(l.rps, 1),
    p50Ms: round(l.p50Ms),
    p99Ms: round(l.p99Ms),
    meanMs: round(l.meanMs),
    maxMs: round(l.maxMs),
    cpuMsPerRequest: round(l.cpuMsPerOp),
  });
  const notes = [
    `${NAME}: ratio gateway/baseline ${ratio.toFixed(2)} (target ≥ ${TARGET_RATIO}: ${ratioMet ? 'met' : 'NOT met'}); ` +
      `gateway p99 ${gateway.p99Ms.toFixed(2)} ms (target < ${TARGET_P99_MS} ms: ${p99Met ? 'met' : 'NOT met'})`,
    `${NAME}: store: ${describeIdIndex(r.idIndex)}`,
    `${NAME}: cpu ms/req is this process's CPU per request (the gateway's includes the in-process HTTP client); the store's CPU is not counted`,
    `${NAME}: the spec's read also has segments and 10 orders; those parts of Mosaic do not exist yet, so this read has traits, sources and ${RECENT_EVENTS} events only`,
  ];
  if (!p99Met) {
    // Little's law for a closed loop: mean latency = workers / throughput.
    notes.push(
      `${NAME}: with ${ctx.concurrency} workers in a closed loop, mean latency is ${ctx.concurrency} / throughput, so p99 < ${TARGET_P99_MS} ms needs more than ${Math.ceil((ctx.concurrency * 1000) / TARGET_P99_MS)} req/s`,
    );
  }
  for (const [label, l] of [
    ['gateway', gateway],
    ['baseline', baseline],
  ] as const) {
    if (l.errors > 0)
      notes.push(`${NAME}: ${l.errors} ${label} requests failed; first: ${l.firstError}`);
  }
  return {
    rows: [
      { scenario: NAME, side: 'gateway (HTTP+GraphQL)', result: gateway },
      { scenario: NAME, side: 'baseline (raw driver)', result: baseline },
    ],
    notes,
    valid: gateway.errors === 0 && baseline.errors === 0,
    json: {
      profiles: r.profiles,
      eventsPerProfile: EVENTS_PER_PROFILE + 1,
      seedSeconds: round(r.seedSeconds, 1),
      seconds: ctx.seconds,
      concurrency: ctx.concurrency,
      gateway: side(gateway),
      baseline: side(baseline),
      ratio: round(ratio, 3),
      targets: { ratioMin: TARGET_RATIO, ratioMet, p99MaxMs: TARGET_P99_MS, p99Met },
      store: r.idIndex,
      notMeasured: ['segments', 'orders'],
    },
  };
}

function describeIdIndex(state: IdIndexState): string {
  if (!state.indexed)
    return `_id look-ups are full table scans (${state.why}); the numbers measure the store`;
  return '_id look-ups use the index tools/ferretdb adds';
}
