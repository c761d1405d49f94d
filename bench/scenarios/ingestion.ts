import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { createApp } from '../../src/app';
import { generatePopulation } from '../../scripts/demo/population';
import { createLogger } from '../../src/observability/logger';
import { intFromEnv } from '../lib/env';
import { round } from '../lib/latency';
import { combine, runLoad, type LoadResult } from '../lib/load';
import type { BenchContext, Scenario, ScenarioReport } from '../lib/scenario';

const NAME = 'ingestion';
const BATCH = 100;
const TARGET_RATIO = 0.5;

type Call = Record<string, unknown>;

/**
 * Segment `POST /v1/batch` calls of 100 events, through HTTP, authentication, validation,
 * identity resolution and storage, against a raw `insertMany` of the same events into
 * the same store, in the same run. Two streams:
 * - cold: the demo population's own history from an empty store (every device is new
 *   once, identify and alias calls link them): the worst case;
 * - known visitors: the same people coming back (new track/page calls from devices and
 *   users Mosaic has seen), what a running site mostly sends.
 */
export const ingestion: Scenario = { name: NAME, run };

async function run(ctx: BenchContext): Promise<ScenarioReport> {
  const customers = intFromEnv('BENCH_INGEST_CUSTOMERS', 1_000);
  const concurrency = intFromEnv('BENCH_INGEST_CONCURRENCY', 4);
  const tag = randomBytes(4).toString('hex');
  const database = `mosaic_bench_ingest_${tag}`;
  const writeKey = `bench-write-key-${tag}`;
  const population = generatePopulation({ customers, seed: 7 });
  const cold = population.segmentCalls;
  const known = returningVisits(cold, tag);
  ctx.progress(
    `${NAME}: ${cold.length} cold events and ${known.length} known-visitor events (${customers} customers)`,
  );

  const config = { ...ctx.config, auth: { ...ctx.config.auth, writeKey } };
  const app = await createApp(config, createLogger('silent', 'mosaic-bench'), { database });
  const client = new MongoClient(ctx.config.mongo.uri, { maxPoolSize: 50, retryWrites: false });
  try {
    await client.connect();
    const port = await app.gateway.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${port}/v1/batch`;
    const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
    const raw = client.db(database).collection<Call & { _id: string }>('raw_events');

    const sendAll = (calls: Call[]) =>
      loadBatches(calls, concurrency, async (batch) => {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: auth },
          body: JSON.stringify({ batch, sentAt: new Date().toISOString() }),
        });
        if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      });
    const insertAll = (calls: Call[]) =>
      loadBatches(calls, concurrency, async (batch) => {
        // The same documents a store of raw events would hold: the call, keyed by messageId.
        await raw.insertMany(
          batch.map((c) => ({ ...c, _id: String(c.messageId), receivedAt: new Date() })),
        );
      });

    const counters = app.services.events.counters;
    const pathShare = (before: { fastPath: number; resolved: number }) => {
      const fast = counters.fastPath - before.fastPath;
      const resolved = counters.resolved - before.resolved;
      return { fastPath: fast, resolved, fastShare: round(fast / Math.max(1, fast + resolved), 3) };
    };
    ctx.progress(`${NAME}: cold stream through the gateway`);
    const beforeCold = { ...counters };
    const coldGateway = await sendAll(cold);
    const coldPaths = pathShare(beforeCold);
    ctx.progress(`${NAME}: cold stream as raw insertMany`);
    const coldBaseline = await insertAll(cold);
    await raw.deleteMany({});
    ctx.progress(`${NAME}: known visitors through the gateway`);
    const beforeKnown = { ...counters };
    const knownGateway = await sendAll(known);
    const knownPaths = pathShare(beforeKnown);
    ctx.progress(`${NAME}: known visitors as raw insertMany`);
    const knownBaseline = await insertAll(known);

    const rate = (r: LoadResult, events: number) => events / (r.elapsedMs / 1000);
    const sides = [
      {
        stream: 'cold',
        events: cold.length,
        gateway: coldGateway,
        baseline: coldBaseline,
        paths: coldPaths,
      },
      {
        stream: 'known visitors',
        events: known.length,
        gateway: knownGateway,
        baseline: knownBaseline,
        paths: knownPaths,
      },
    ];
    const json: Record<string, unknown> = { customers, batchSize: BATCH, concurrency };
    const notes: string[] = [];
    for (const s of sides) {
      const gw = rate(s.gateway, s.events);
      const base = rate(s.baseline, s.events);
      const ratio = gw / base;
      const key = s.stream === 'cold' ? 'cold' : 'known';
      json[key] = {
        events: s.events,
        gatewayEventsPerSecond: round(gw, 0),
        baselineEventsPerSecond: round(base, 0),
        ratio: round(ratio, 3),
        gatewayBatchP50Ms: round(s.gateway.p50Ms),
        gatewayBatchP99Ms: round(s.gateway.p99Ms),
        ...s.paths,
      };
      notes.push(
        `${NAME} (${s.stream}): ${round(gw, 0)} events/s through /v1/batch vs ${round(base, 0)} raw insertMany → ratio ${round(ratio, 2)} (target ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}); ${s.paths.fastPath} events took the fast path, ${s.paths.resolved} went through the resolver`,
      );
    }
    const failures = [coldGateway, coldBaseline, knownGateway, knownBaseline].filter(
      (r) => r.errors > 0,
    );
    for (const f of failures)
      notes.push(`${NAME}: ${f.errors} batches failed; first: ${f.firstError}`);
    return {
      rows: sides.flatMap((s) => [
        {
          scenario: `${NAME} (${s.stream}, batches of ${BATCH})`,
          side: 'gateway /v1/batch',
          result: s.gateway,
        },
        {
          scenario: `${NAME} (${s.stream}, batches of ${BATCH})`,
          side: 'raw insertMany',
          result: s.baseline,
        },
      ]),
      notes,
      json,
      valid: failures.length === 0,
    };
  } finally {
    await app.close().catch(() => undefined);
    await client
      .db(database)
      .dropDatabase()
      .catch(() => undefined);
    await client.close();
  }
}

/** Sends every batch once, `concurrency` at a time, in stream order. */
async function loadBatches(
  calls: Call[],
  concurrency: number,
  send: (batch: Call[]) => Promise<void>,
) {
  const batches: Call[][] = [];
  for (let i = 0; i < calls.length; i += BATCH) batches.push(calls.slice(i, i + BATCH));
  let next = 0;
  const run = await runLoad(
    { concurrency, durationMs: 3_600_000, maxOperations: batches.length, timeoutMs: 60_000 },
    () => send(batches[next++]!),
  );
  return combine([run]);
}

/**
 * The same people back a day later: each track and page call again, from the same
 * device or user, with a new messageId. No identify or alias: their links exist.
 */
function returningVisits(calls: Call[], tag: string): Call[] {
  const later = 24 * 3600 * 1000;
  return calls
    .filter((c) => c.type === 'track' || c.type === 'page')
    .map((c, i) => ({
      ...c,
      messageId: `return-${tag}-${i}`,
      timestamp: new Date(
        Math.min(Date.now(), Date.parse(String(c.timestamp)) + later),
      ).toISOString(),
    }));
}
