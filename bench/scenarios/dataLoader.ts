import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { createApp, type App } from '../../src/app';
import type { Config } from '../../src/config/env';
import { generatePopulation } from '../../scripts/demo/population';
import { fromSegmentCall } from '../../src/ingest/segmentPayload';
import { createLogger } from '../../src/observability/logger';
import { round } from '../lib/latency';
import { combine, runLoad } from '../lib/load';
import type { BenchContext, Scenario, ScenarioReport } from '../lib/scenario';
import { BENCH_AUTHORIZATION } from '../lib/gatewayAuth';

const NAME = 'dataloader';
const PAGE = 100;

const QUERY = `{ profiles(first: ${PAGE}) { edges { node {
  id
  crmRecords { crmId traits }
  orders(first: 10) { edges { node { orderId total placedAt } } }
  orderStats { count totals { currency amount } lastOrderAt }
  events(first: 20) { edges { node { id type event } } }
  eventStats { count lastSeenAt }
} } } }`;

interface Counts {
  crm: number;
  orders: number;
  events: number;
  sql: number;
}

/**
 * A page of 100 profiles with their CRM records, orders (PostgreSQL) and events, read
 * over HTTP by two gateways on the same data: one batching every source per operation
 * (DataLoader, the default), one with batching turned off (`MOSAIC_SOURCE_MAX_BATCH=1`:
 * one source call per profile and field, the N+1 pattern). Reports the calls each source
 * received per page and the page's latency and throughput.
 */
export const dataLoader: Scenario = { name: NAME, run };

async function run(ctx: BenchContext): Promise<ScenarioReport> {
  const tag = randomBytes(4).toString('hex');
  const database = `mosaic_bench_dl_${tag}`;
  const schema = `bench_dl_${tag}`;
  // Generous source timeouts: this compares batching, and a source answering from the
  // stale cache after a timeout would make the slow side look fast.
  const config: Config = {
    ...ctx.config,
    postgres: { ...ctx.config.postgres, schema },
    sources: { ...ctx.config.sources, defaultTimeoutMs: 60_000, timeouts: {} },
  };
  const logger = createLogger('silent', 'mosaic-bench');
  const batched = await createApp(config, logger, { database });
  const unbatched = await createApp(
    { ...config, sources: { ...config.sources, maxBatch: 1 } },
    logger,
    { database },
  );
  try {
    await seed(batched, ctx);
    type Side = 'batched' | 'unbatched';
    const urls = {
      batched: `http://127.0.0.1:${await batched.gateway.listen(0, '127.0.0.1')}/graphql`,
      unbatched: `http://127.0.0.1:${await unbatched.gateway.listen(0, '127.0.0.1')}/graphql`,
    };
    const perPage: Record<Side, Counts> = {
      batched: await countsForOnePage(batched, urls.batched),
      unbatched: await countsForOnePage(unbatched, urls.unbatched),
    };
    const results = {} as Record<Side, ReturnType<typeof combine>>;
    for (const side of ['batched', 'unbatched'] as const) {
      ctx.progress(`${NAME}: ${side} for ${ctx.seconds} s`);
      const load = { concurrency: 2, durationMs: ctx.seconds * 1000, timeoutMs: 60_000 };
      results[side] = combine([
        await runLoad(load, () => fetchPage(urls[side]).then(() => undefined)),
      ]);
    }
    const ratio = results.batched.rps / results.unbatched.rps;
    const describe = (c: Counts) =>
      `crm ${c.crm}, orders ${c.orders} (${c.sql} SQL statements), events ${c.events}`;
    const notes = [
      `${NAME}: calls per page of ${PAGE} profiles, batched: ${describe(perPage.batched)}`,
      `${NAME}: calls per page of ${PAGE} profiles, unbatched: ${describe(perPage.unbatched)}`,
      `${NAME}: batched pages/s ${round(results.batched.rps, 2)} vs unbatched ${round(results.unbatched.rps, 2)} → ${round(ratio, 2)}×; p50 ${round(results.batched.p50Ms)} ms vs ${round(results.unbatched.p50Ms)} ms`,
    ];
    return {
      rows: [
        {
          scenario: `${NAME} (page of ${PAGE})`,
          side: 'batched (DataLoader)',
          result: results.batched,
        },
        {
          scenario: `${NAME} (page of ${PAGE})`,
          side: 'one call per profile',
          result: results.unbatched,
        },
      ],
      notes,
      json: {
        page: PAGE,
        callsPerPage: perPage,
        batchedPagesPerSecond: round(results.batched.rps, 2),
        unbatchedPagesPerSecond: round(results.unbatched.rps, 2),
        ratio: round(ratio, 2),
        batchedP50Ms: round(results.batched.p50Ms),
        unbatchedP50Ms: round(results.unbatched.p50Ms),
      },
      valid: results.batched.errors === 0 && results.unbatched.errors === 0,
    };
  } finally {
    await unbatched.close().catch(() => undefined);
    await batched.db.dropDatabase().catch(() => undefined);
    await batched.close().catch(() => undefined);
    const pool = new Pool({ connectionString: ctx.config.postgres.url, max: 1 });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
  }
}

/** Enough of the demo population that the first page has 100 profiles with all three sources. */
async function seed(app: App, ctx: BenchContext): Promise<void> {
  const population = generatePopulation({ customers: 150, seed: 11 });
  ctx.progress(
    `${NAME}: seeding ${population.crmContacts.length} contacts, ${population.orders.length} orders, ${population.segmentCalls.length} events`,
  );
  const { crmContacts, orders, events } = app.services;
  for (let i = 0; i < population.crmContacts.length; i += 200)
    await crmContacts.upsertMany(population.crmContacts.slice(i, i + 200));
  for (let i = 0; i < population.orders.length; i += 500)
    await orders.record(population.orders.slice(i, i + 500));
  const receivedAt = new Date();
  const inputs = population.segmentCalls.map((c, i) =>
    fromSegmentCall(c, `calls[${i}]`, { receivedAt }),
  );
  for (let i = 0; i < inputs.length; i += 200) await events.ingest(inputs.slice(i, i + 200));
}

async function fetchPage(url: string): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: BENCH_AUTHORIZATION },
    body: JSON.stringify({ query: QUERY }),
  });
  const body = (await res.json()) as {
    data?: { profiles: { edges: unknown[] } };
    errors?: { message: string }[];
    extensions?: { sources?: unknown };
  };
  if (body.errors) throw new Error(body.errors[0]!.message);
  if (body.extensions?.sources) throw new Error(`stale answer: ${JSON.stringify(body.extensions)}`);
  return body.data!.profiles.edges.length;
}

/** Source calls and SQL statements one page costs, read from the app's own counters. */
async function countsForOnePage(app: App, url: string): Promise<Counts> {
  const { sources, orderStore } = app.services;
  const snapshot = (): Counts => ({
    crm: sources.crm?.batches ?? 0,
    orders: sources.orders?.batches ?? 0,
    events: sources.events?.batches ?? 0,
    sql: orderStore.statements,
  });
  const before = snapshot();
  const profiles = await fetchPage(url);
  if (profiles !== PAGE) throw new Error(`expected a page of ${PAGE} profiles, got ${profiles}`);
  const after = snapshot();
  return {
    crm: after.crm - before.crm,
    orders: after.orders - before.orders,
    events: after.events - before.events,
    sql: after.sql - before.sql,
  };
}
