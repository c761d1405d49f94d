import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { MongoBulkWriteError, MongoClient, type Collection, type WriteError } from 'mongodb';
import { Pool } from 'pg';
import { generatePopulation } from '../../scripts/demo/population';
import { intFromEnv } from '../lib/env';
import { round } from '../lib/latency';
import { combine, runLoad, type LoadResult } from '../lib/load';
import type { BenchContext, Scenario, ScenarioReport } from '../lib/scenario';

const NAME = 'bronze';
const BATCH = 100;

type Call = Record<string, unknown> & { messageId: string };

/** Accepts a batch durably; returns how many of its events were new (the rest: duplicates). */
type Lander = (batch: Call[]) => Promise<number>;

interface Candidate {
  name: string;
  /** What a SIGKILL of every Mosaic process and a restart of the server leaves. */
  durability: string;
  land: Lander;
}

/**
 * Where `/v1/*` should land raw events before acknowledging them (#21's bronze layer):
 * each candidate server takes the demo population's Segment calls in batches of 100
 * from 16 concurrent senders, idempotently by messageId (a resend is counted as
 * duplicates, not stored twice), and durably by its own standard. Every candidate is
 * run twice on the same events: first all new, then all resent. The baseline is a raw
 * `insertMany` of the same events into the profile store, as the ingestion scenario's.
 */
export const bronze: Scenario = { name: NAME, run };

async function run(ctx: BenchContext): Promise<ScenarioReport> {
  const customers = intFromEnv('BENCH_BRONZE_CUSTOMERS', 3_000);
  const tag = randomBytes(4).toString('hex');
  const calls = generatePopulation({ customers, seed: 7 }).segmentCalls.map((c, i) => ({
    ...c,
    messageId: `${tag}-${i}`,
  })) as Call[];
  ctx.progress(`${NAME}: ${calls.length} events, ${ctx.concurrency} senders of ${BATCH}`);

  const mongo = new MongoClient(ctx.config.mongo.uri, { maxPoolSize: 50, retryWrites: false });
  await mongo.connect();
  const db = mongo.db(`mosaic_bench_bronze_${tag}`);
  const pg = new Pool({ connectionString: ctx.config.postgres.url, max: ctx.concurrency });
  const schema = `bench_bronze_${tag}`;
  const redisAlways = await startRedis('always');
  const redisEverySec = await startRedis('everysec');
  try {
    await pg.query(`CREATE SCHEMA ${schema}`);
    await pg.query(
      `CREATE TABLE ${schema}.bronze_events (
         seq bigserial, message_id text PRIMARY KEY, body jsonb NOT NULL,
         accepted_at timestamptz NOT NULL DEFAULT now())`,
    );
    const candidates: Candidate[] = [
      {
        name: 'profile store (FerretDB) insertMany, _id = messageId',
        durability: 'SQLite WAL, fsync per commit',
        land: mongoLander(db.collection('bronze_events')),
      },
      {
        name: 'PostgreSQL INSERT … ON CONFLICT DO NOTHING',
        durability: 'WAL, synchronous_commit on',
        land: pgLander(pg, `${schema}.bronze_events`),
      },
      {
        name: 'Redis Streams (AOF, appendfsync always)',
        durability: 'AOF fsync per write',
        land: redisLander(redisAlways.client),
      },
      {
        name: 'Redis Streams (AOF, appendfsync everysec)',
        durability:
          'AOF written per write, fsync each second (a server crash keeps it; a power loss may lose 1 s)',
        land: redisLander(redisEverySec.client),
      },
    ];
    const raw = db.collection<Call & { _id: string }>('raw_insert_many');
    ctx.progress(`${NAME}: baseline, raw insertMany`);
    const baseline = await sendAll(calls, ctx.concurrency, async (batch) => {
      await raw.insertMany(batch.map((c) => ({ ...c, _id: c.messageId })));
      return batch.length;
    });

    const measured: { candidate: Candidate; fresh: Landed; resent: Landed }[] = [];
    for (const candidate of candidates) {
      ctx.progress(`${NAME}: ${candidate.name}`);
      const fresh = await sendAll(calls, ctx.concurrency, candidate.land);
      const resent = await sendAll(calls, ctx.concurrency, candidate.land);
      measured.push({ candidate, fresh, resent });
    }
    return report(calls.length, baseline, measured);
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await mongo.close();
    await pg.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await pg.end();
    await redisAlways.stop();
    await redisEverySec.stop();
  }
}

interface Landed {
  load: LoadResult;
  accepted: number;
  eventsPerSecond: number;
}

function report(
  events: number,
  baseline: Landed,
  measured: { candidate: Candidate; fresh: Landed; resent: Landed }[],
): ScenarioReport {
  const ratio = (l: Landed) => l.eventsPerSecond / baseline.eventsPerSecond;
  const notes = measured.map(
    ({ candidate, fresh, resent }) =>
      `${NAME}: ${candidate.name}: ${round(fresh.eventsPerSecond, 0)} events/s new (${round(ratio(fresh), 2)} of raw insertMany), ${round(resent.eventsPerSecond, 0)} events/s resent; accepted ${fresh.accepted}/${events} then ${resent.accepted}; durability: ${candidate.durability}`,
  );
  notes.push(`${NAME}: raw insertMany ${round(baseline.eventsPerSecond, 0)} events/s`);
  const wrong = measured.filter((m) => m.fresh.accepted !== events || m.resent.accepted !== 0);
  for (const m of wrong)
    notes.push(
      `${NAME}: ${m.candidate.name} was not idempotent: accepted ${m.fresh.accepted} then ${m.resent.accepted}`,
    );
  const failures = [baseline, ...measured.flatMap((m) => [m.fresh, m.resent])].filter(
    (l) => l.load.errors > 0,
  );
  for (const f of failures)
    notes.push(`${NAME}: ${f.load.errors} batches failed; first: ${f.load.firstError}`);
  return {
    rows: [
      { scenario: `${NAME} (batches of ${BATCH})`, side: 'raw insertMany', result: baseline.load },
      ...measured.flatMap(({ candidate, fresh, resent }) => [
        {
          scenario: `${NAME} (batches of ${BATCH})`,
          side: `${candidate.name}, new`,
          result: fresh.load,
        },
        {
          scenario: `${NAME} (batches of ${BATCH})`,
          side: `${candidate.name}, resent`,
          result: resent.load,
        },
      ]),
    ],
    notes,
    json: {
      events,
      batchSize: BATCH,
      rawInsertManyEventsPerSecond: round(baseline.eventsPerSecond, 0),
      candidates: measured.map(({ candidate, fresh, resent }) => ({
        name: candidate.name,
        newEventsPerSecond: round(fresh.eventsPerSecond, 0),
        ofRawInsertMany: round(ratio(fresh), 3),
        resentEventsPerSecond: round(resent.eventsPerSecond, 0),
        batchP99Ms: round(fresh.load.p99Ms),
      })),
    },
    valid: failures.length === 0 && wrong.length === 0,
  };
}

/** Sends every batch once, `concurrency` at a time, in stream order. */
async function sendAll(calls: Call[], concurrency: number, land: Lander): Promise<Landed> {
  const batches: Call[][] = [];
  for (let i = 0; i < calls.length; i += BATCH) batches.push(calls.slice(i, i + BATCH));
  let next = 0;
  let accepted = 0;
  const load = combine([
    await runLoad(
      { concurrency, durationMs: 3_600_000, maxOperations: batches.length, timeoutMs: 60_000 },
      async () => {
        // Not `accepted += await …`: that reads the total before waiting, losing the others'.
        const landed = await land(batches[next++]!);
        accepted += landed;
      },
    ),
  ]);
  return { load, accepted, eventsPerSecond: calls.length / (load.elapsedMs / 1000) };
}

function mongoLander(col: Collection): Lander {
  return async (batch) => {
    const at = new Date();
    try {
      await col.insertMany(
        batch.map((c) => ({ _id: c.messageId, body: c, acceptedAt: at })) as never[],
        { ordered: false },
      );
      return batch.length;
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError)) throw err;
      const raw: WriteError | WriteError[] = err.writeErrors as WriteError | WriteError[];
      const errors = Array.isArray(raw) ? raw : [raw];
      if (!errors.every((e) => e.code === 11000)) throw err;
      return batch.length - errors.length;
    }
  };
}

function pgLander(pg: Pool, table: string): Lander {
  return async (batch) => {
    const { rowCount } = await pg.query(
      `INSERT INTO ${table} (message_id, body)
       SELECT * FROM unnest($1::text[], $2::jsonb[]) ON CONFLICT (message_id) DO NOTHING`,
      [batch.map((c) => c.messageId), batch.map((c) => JSON.stringify(c))],
    );
    return rowCount ?? 0;
  };
}

/**
 * One script per batch: a messageId is claimed with SET NX, and only a new one is added
 * to the stream. On Redis Cluster every key of a script must share a slot: the claims
 * and the stream would all sit on one node.
 */
const LAND = `
local added = 0
for i = 1, #ARGV, 2 do
  if redis.call('SET', 'bronze:{b}:seen:' .. ARGV[i], '1', 'NX') then
    redis.call('XADD', KEYS[1], '*', 'id', ARGV[i], 'body', ARGV[i + 1])
    added = added + 1
  end
end
return added`;

function redisLander(redis: Redis): Lander {
  return async (batch) => {
    const args = batch.flatMap((c) => [c.messageId, JSON.stringify(c)]);
    return (await redis.eval(LAND, 1, 'bronze:{b}:stream', ...args)) as number;
  };
}

/** A private redis-server with an append-only file, on a free port, removed afterwards. */
async function startRedis(fsync: 'always' | 'everysec') {
  const dir = await mkdtemp(join(tmpdir(), 'mosaic-bronze-redis-'));
  const port = await freePort();
  const server: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      fsync,
    ],
    { stdio: 'ignore' },
  );
  // Commands wait in the offline queue while the server starts: the first answer means up.
  const client = new Redis({ port, host: '127.0.0.1' });
  client.on('error', () => undefined); // refused until the server listens; ping waits for it
  await client.ping();
  return {
    client,
    async stop() {
      client.disconnect();
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
