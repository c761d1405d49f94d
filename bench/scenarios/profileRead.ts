import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { Pool } from 'pg';
import { createApp } from '../../src/app';
import type { Config } from '../../src/config/env';
import type { EventInput } from '../../src/ingest/eventIngestionService';
import { createLogger } from '../../src/observability/logger';
import type { OrderInput } from '../../src/orders/orderService';
import type { Services } from '../../src/services';
import {
  rawStores,
  readProfileByEmail,
  type RawProfileRead,
  type RawStores,
} from '../baseline/rawProfileRead';
import { intFromEnv } from '../lib/env';
import { checkIdIndexes, type IdIndexState } from '../lib/ferretSqliteIdIndex';
import { round } from '../lib/latency';
import { combine, mapConcurrently, runLoad, type LoadResult, type LoadRun } from '../lib/load';
import type { BenchContext, Scenario, ScenarioReport } from '../lib/scenario';
import { BENCH_AUTHORIZATION } from '../lib/gatewayAuth';

const NAME = 'profile-read';
const EVENTS_PER_PROFILE = 20;
const RECENT_EVENTS = 20;
const ORDERS_PER_PROFILE = 10;
const RECENT_ORDERS = 10;
const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 25;
/** Gateway and baseline answers compared before the load, as a check that both read the same. */
const CROSS_CHECKS = 5;
const ROUNDS = 4;

const QUERY = `query($v:String!){ profileByIdentifier(kind: EMAIL, value: $v){ id identifiers{kind value} traits sources{name contributions} recentEvents(first: ${RECENT_EVENTS}){ id type event timestamp } orders(first: ${RECENT_ORDERS}){ edges{ node{ orderId total placedAt } } } orderStats{ count totals{ currency amount } } } }`;

const TRACK_EVENTS = ['Product Viewed', 'Product Added', 'Cart Viewed', 'Checkout Started'];

interface GraphQLProfile {
  id: string;
  recentEvents: { id: string }[];
  orders: { edges: { node: { orderId: string; total: number; placedAt: string } }[] };
  orderStats: { count: number; totals: { currency: string; amount: number }[] };
}

interface GraphQLResponse {
  data?: { profileByIdentifier: GraphQLProfile | null } | null;
  errors?: { message: string }[];
  extensions?: { sources?: unknown };
}

/** What both sides' answers are checked and compared by. */
interface ReadSummary {
  id: string;
  eventIds: string[];
  orderIds: string[];
  orderCount: number;
  totals: { currency: string; amount: number }[];
}

/**
 * `profileByIdentifier` with traits, sources, 20 recent events, the 10 newest orders and
 * the order aggregates, over real HTTP, against the raw-driver baseline (MongoDB, then
 * PostgreSQL). Each seeded profile is a CRM contact plus an anonymous visitor's 20 track
 * events, joined by an identify call, plus 10 orders under a customer id linked by email,
 * so every read follows a merge, reads two event logs and queries the orders database:
 * the shape of a real customer's profile. The frontend read of #20 also asks for computed
 * traits and segments (written by the workers, which this scenario does not run); they
 * join the read with the gold profile document.
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
  const schema = `bench_read_${tag}`;
  // Generous source timeouts: under load a source answering from the stale cache after a
  // timeout would make the gateway look fast; such answers count as failed requests.
  const config: Config = {
    ...ctx.config,
    postgres: { ...ctx.config.postgres, schema },
    sources: { ...ctx.config.sources, defaultTimeoutMs: 10_000, timeouts: {} },
  };

  const app = await createApp(config, createLogger('silent', 'mosaic-bench'), {
    database,
    countStoreCommands: true,
  });
  // The baseline's own clients, configured as the gateway's pools are, so neither side
  // gets more connections to a store than the other.
  const client = new MongoClient(config.mongo.uri, { maxPoolSize: 50, retryWrites: false });
  const pg = new Pool({
    connectionString: config.postgres.url,
    max: 10,
    options: `-c search_path=${schema}`,
  });
  try {
    await client.connect();
    const raw = rawStores(client.db(database), pg);
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

    const gatewayRead = (signal: AbortSignal) => readViaGateway(url, pick(), signal);
    const baselineRead = () => readViaBaseline(raw, pick());

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
    // The gateway's store commands during its rounds (driver command monitoring; the
    // baseline has a client of its own, not counted).
    let gatewayCommands = 0;
    const commandKinds = new Map<string, number>();
    for (let i = 0; i < ROUNDS; i++) {
      for (const side of ['gateway', 'baseline'] as const) {
        const before = app.storeCommands();
        const kindsBefore = app.storeCommandsByKind();
        runs[side].push(await runLoad({ ...load, durationMs: roundMs }, sides[side]));
        if (side !== 'gateway') continue;
        gatewayCommands += app.storeCommands() - before;
        for (const [kind, n] of app.storeCommandsByKind())
          commandKinds.set(kind, (commandKinds.get(kind) ?? 0) + n - (kindsBefore.get(kind) ?? 0));
      }
    }
    const gateway = combine(runs.gateway);
    const baseline = combine(runs.baseline);
    const storeCommandsPerRead = gateway.requests > 0 ? gatewayCommands / gateway.requests : 0;
    const perRead = (n: number) => round(gateway.requests > 0 ? n / gateway.requests : 0, 1);
    const commandsPerReadByKind = Object.fromEntries(
      [...commandKinds]
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([kind, n]) => [kind, perRead(n)]),
    );

    return report({
      profiles,
      seedSeconds,
      gateway,
      baseline,
      idIndex,
      storeCommandsPerRead,
      commandsPerReadByKind,
      ctx,
    });
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
    await pg
      .query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      .catch((err: unknown) => ctx.progress(`${NAME}: could not drop ${schema}: ${String(err)}`));
    await pg.end();
  }
}

async function readViaGateway(url: string, email: string, signal?: AbortSignal) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: BENCH_AUTHORIZATION },
    body: JSON.stringify({ query: QUERY, variables: { v: email } }),
    signal,
  });
  const body = (await res.json()) as GraphQLResponse;
  if (res.status !== 200 || body.errors)
    throw new Error(`HTTP ${res.status}: ${body.errors?.[0]?.message ?? 'no error message'}`);
  // A source that did not answer in time was served from the cache: not the path measured.
  if (body.extensions?.sources !== undefined)
    throw new Error(`${email}: stale answer: ${JSON.stringify(body.extensions.sources)}`);
  const p = body.data?.profileByIdentifier ?? null;
  return checkRead(
    p && {
      id: p.id,
      eventIds: p.recentEvents.map((e) => e.id),
      orderIds: p.orders.edges.map((e) => e.node.orderId),
      orderCount: p.orderStats.count,
      totals: p.orderStats.totals,
    },
    email,
  );
}

async function readViaBaseline(
  raw: RawStores,
  email: string,
): Promise<ReadSummary & { raw: RawProfileRead }> {
  const p = await readProfileByEmail(raw, email, RECENT_EVENTS, RECENT_ORDERS);
  if (p === null) throw new Error(`no profile for ${email}`);
  return {
    ...checkRead(
      {
        id: p.id,
        eventIds: p.recentEvents.map((e) => e.id),
        orderIds: p.orders.map((o) => o.orderId),
        orderCount: p.orderStats.count,
        totals: p.orderStats.totals,
      },
      email,
    ),
    raw: p,
  };
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

  // The customer's orders from the shop, spread over the last year, linked to the
  // profile by the email they carry. Amounts in cents, so the total is exact.
  const customerId = `cust-${tag}-${i}`;
  const now = Date.now();
  const orders: OrderInput[] = Array.from({ length: ORDERS_PER_PROFILE }, (_, k) => {
    const items = Array.from({ length: 1 + ((i + k) % 3) }, (_, j) => ({
      sku: `SKU-${(i * 17 + k * 5 + j) % 500}`,
      quantity: 1 + ((i + j) % 3),
      unitPriceCents: 499 + ((i * 37 + k * 101 + j * 53) % 9_500),
    }));
    const totalCents = items.reduce((n, it) => n + it.quantity * it.unitPriceCents, 0);
    const daysAgo = ((k + ((i * 7) % 10) / 10) * 365) / ORDERS_PER_PROFILE;
    return {
      orderId: `order-${tag}-${i}-${k}`,
      customerId,
      email,
      placedAt: new Date(now - Math.round(daysAgo * 86_400_000) - 60_000),
      currency: 'USD',
      total: totalCents / 100,
      items: items.map((it) => ({
        sku: it.sku,
        quantity: it.quantity,
        unitPrice: it.unitPriceCents / 100,
      })),
    };
  });
  const outcomes = await services.orders.record(orders);
  if (outcomes.some((o) => !o.written)) {
    throw new Error(`seeding ${email}: not every order was written`);
  }
  return email;
}

function checkRead(summary: ReadSummary | null, email: string): ReadSummary {
  if (summary === null) throw new Error(`no profile for ${email}`);
  if (summary.eventIds.length !== RECENT_EVENTS) {
    throw new Error(
      `${email}: ${summary.eventIds.length} recent events, expected ${RECENT_EVENTS}`,
    );
  }
  if (summary.orderIds.length !== RECENT_ORDERS || summary.orderCount !== ORDERS_PER_PROFILE) {
    throw new Error(
      `${email}: ${summary.orderIds.length} orders of ${summary.orderCount}, expected ${RECENT_ORDERS} of ${ORDERS_PER_PROFILE}`,
    );
  }
  return summary;
}

/**
 * The baseline is only a fair yardstick if it reads what the gateway reads: same
 * profile, same events and orders, in the same order, through a merge, with the same
 * order aggregates.
 */
async function crossCheck(url: string, raw: RawStores, emails: string[]): Promise<void> {
  for (const email of emails) {
    const viaGateway = await readViaGateway(url, email);
    const viaDriver = await readViaBaseline(raw, email);
    const ids = (s: ReadSummary) =>
      [
        s.id,
        ...s.eventIds,
        ...s.orderIds,
        `count=${s.orderCount}`,
        ...s.totals.map((t) => `${t.currency}=${t.amount}`),
      ].join(',');
    if (ids(viaGateway) !== ids(viaDriver)) {
      throw new Error(
        `gateway and baseline disagree for ${email}:\n  ${ids(viaGateway)}\n  ${ids(viaDriver)}`,
      );
    }
    if (viaDriver.raw.mergedFrom.length !== 1) {
      throw new Error(
        `${email}: expected one merged profile, got ${viaDriver.raw.mergedFrom.length}`,
      );
    }
  }
}

function report(r: {
  profiles: number;
  seedSeconds: number;
  gateway: LoadResult;
  baseline: LoadResult;
  idIndex: IdIndexState;
  storeCommandsPerRead: number;
  commandsPerReadByKind: Record<string, number>;
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
    `${NAME}: store: ${describeIdIndex(r.idIndex)}; the gateway sent ${r.storeCommandsPerRead.toFixed(1)} store commands per read`,
    `${NAME}: cpu ms/req is this process's CPU per request (the gateway's includes the in-process HTTP client); the store's CPU is not counted`,
    `${NAME}: the read has traits, sources, ${RECENT_EVENTS} events, ${RECENT_ORDERS} orders and order aggregates (PostgreSQL); computed traits and segments (worker-written) are not in it yet, so they are not measured`,
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
      { scenario: NAME, side: 'baseline (raw drivers)', result: baseline },
    ],
    notes,
    valid: gateway.errors === 0 && baseline.errors === 0,
    json: {
      profiles: r.profiles,
      eventsPerProfile: EVENTS_PER_PROFILE + 1,
      ordersPerProfile: ORDERS_PER_PROFILE,
      seedSeconds: round(r.seedSeconds, 1),
      seconds: ctx.seconds,
      concurrency: ctx.concurrency,
      gateway: side(gateway),
      baseline: side(baseline),
      ratio: round(ratio, 3),
      targets: { ratioMin: TARGET_RATIO, ratioMet, p99MaxMs: TARGET_P99_MS, p99Met },
      store: {
        ...r.idIndex,
        commandsPerRead: round(r.storeCommandsPerRead, 1),
        commandsPerReadByKind: r.commandsPerReadByKind,
      },
      notMeasured: ['computedTraits', 'segments'],
    },
  };
}

function describeIdIndex(state: IdIndexState): string {
  if (!state.indexed)
    return `_id look-ups are full table scans (${state.why}); the numbers measure the store`;
  return '_id look-ups use the index tools/ferretdb adds';
}
