import type { EventDoc, LogEntryDoc } from '../../src/store/models';
import { startTestApp, type TestApp } from '../support/app';
import { testConfig } from '../support/env';
import { startWorkerProcess, type GatewayProcess } from '../support/gatewayProcess';
import { pipelineDrained } from '../support/pipeline';
import { withPg } from '../support/postgres';
import { until } from '../support/wait';
import { postBatch, visitorBatch } from '../support/faults';

/**
 * Exactly-once under crashes: pipeline workers (real `npm run worker` processes) are
 * SIGKILLed in the middle of applying a batch, and replacements start. Once the pipeline
 * drains and the dead workers' batches are recovered, every accepted event is in exactly
 * one event log: none lost, none appended twice.
 */

const WRITE_KEY = 'test-write-key';
let t: TestApp;
const workers: { name: string; worker: GatewayProcess }[] = [];
let started = 0;

async function startWorker(): Promise<{ name: string; worker: GatewayProcess }> {
  const uri = new URL(testConfig().mongo.uri);
  uri.pathname = `/${t.database}`;
  const name = `crash-${started++}`;
  const worker = await startWorkerProcess({
    MONGODB_URI: uri.toString(),
    POSTGRES_SCHEMA: t.pgSchema,
    MOSAIC_WORKER_NAME: name,
    MOSAIC_PIPELINE_LEASE_MS: '2000',
    MOSAIC_PIPELINE_BATCH: '50',
    MOSAIC_PIPELINE_POLL_MS: '20',
    MOSAIC_SEGMENT_REFRESH_MS: '600000',
  });
  return { name, worker };
}

const sql = <T extends Record<string, unknown>>(text: string) =>
  withPg(async (pool) => (await pool.query<T>(text.replaceAll('$schema', `"${t.pgSchema}"`))).rows);

beforeAll(async () => {
  // The gateway only accepts: the worker processes apply.
  t = await startTestApp('pipelinecrash', { MOSAIC_PIPELINE: 'worker' });
  workers.push(await startWorker(), await startWorker());
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.worker.stop()));
  await t.close();
}, 60_000);

test('workers SIGKILLed mid-batch leave every accepted event applied exactly once', async () => {
  const accepted: string[] = [];
  await Promise.all(
    Array.from({ length: 16 }, async (_, sender) => {
      for (let round = 0; round < 2; round++) {
        const batch = visitorBatch(`crash-${sender}-${round}`);
        expect(await postBatch(t.url, WRITE_KEY, batch)).toBe(200);
        accepted.push(...batch.map((b) => b.messageId));
      }
    }),
  );

  // Kill a worker while it holds a batch in flight (registered, not finished), a few times.
  let midBatchKills = 0;
  for (let attempt = 0; attempt < 6 && midBatchKills < 2; attempt++) {
    const { name, worker: victim } = workers.shift()!;
    await until(
      `${name} to be applying a batch`,
      async () =>
        (
          await sql<{ n: string }>(
            `SELECT count(*) AS n FROM $schema.pipeline_batches WHERE owner LIKE '${name}:%'`,
          )
        )[0]!.n !== '0',
      20_000,
    ).catch(() => undefined);
    victim.process.kill('SIGKILL');
    await new Promise((resolve) => victim.process.once('exit', resolve));
    const left = await sql<{ n: string }>(
      `SELECT count(*) AS n FROM $schema.pipeline_batches WHERE owner LIKE '${name}:%'`,
    );
    if (left[0]!.n !== '0') midBatchKills++;
    workers.push(await startWorker());
  }
  expect(midBatchKills).toBeGreaterThanOrEqual(1);

  await pipelineDrained(t.app.services, 120_000);
  // The dead workers' batches are recovered once their leases run out.
  await until(
    'abandoned batches to be recovered',
    async () =>
      (await sql<{ n: string }>(`SELECT count(*) AS n FROM $schema.pipeline_batches`))[0]!.n ===
        '0' && (await t.app.db.collection('pending_event_batches').countDocuments()) === 0,
    30_000,
  );
  const entries = await t.app.db
    .collection<LogEntryDoc<EventDoc>>('event_log')
    .find({}, { projection: { 'data._id': 1 } })
    .toArray();
  const times = new Map<string, number>();
  for (const e of entries) times.set(e.data._id, (times.get(e.data._id) ?? 0) + 1);
  expect(accepted.filter((id) => times.get(id) !== 1)).toEqual([]);
  expect(entries).toHaveLength(accepted.length);
}, 240_000);
