import { createWorkerApp, type WorkerApp } from '../../src/workers/worker';
import { startTestApp, type TestApp } from '../support/app';
import { silentLogger, testConfig } from '../support/env';
import { queryGraphQL } from '../support/gatewayProcess';
import { sampleValue, scrapeMetrics, type Sample } from '../support/prometheus';

/**
 * A worker serves `/metrics` on a port of its own (MOSAIC_WORKER_METRICS_PORT), behind the
 * same key as a gateway's: the jobs it ran with their durations and outcomes, the queues'
 * depths, and the process's runtime.
 */

const METRICS_KEY = 'worker-metrics-key-0123456789';
let t: TestApp;
let worker: WorkerApp;
let url: string;
beforeAll(async () => {
  t = await startTestApp('worker-metrics', { MOSAIC_MATCHING: 'off' });
  worker = await createWorkerApp(
    testConfig({
      POSTGRES_SCHEMA: t.pgSchema,
      MOSAIC_AUTH: 'on',
      MOSAIC_METRICS_KEY: METRICS_KEY,
      MOSAIC_WORKER_METRICS_PORT: '0',
      HOST: '127.0.0.1',
    }),
    silentLogger,
    { database: t.database },
  );
  url = `http://127.0.0.1:${worker.metricsServer!.port}/metrics`;
}, 60_000);
afterAll(async () => {
  await worker.close();
  await t.close();
});

const scrape = () => scrapeMetrics(url, METRICS_KEY);
const value = sampleValue;

test("a worker's /metrics needs the key, and answers nothing else", async () => {
  expect((await fetch(url)).status).toBe(401);
  const wrong = await fetch(url, { headers: { authorization: 'Bearer not-the-key-0123456789' } });
  expect(wrong.status).toBe(401);
  expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
  expect((await fetch(url.replace('/metrics', '/graphql'))).status).toBe(404);
});

test('the jobs a worker ran are timed by queue and outcome, beside the queue depths', async () => {
  await queryGraphQL(
    t.url,
    `mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`,
    {
      i: { crmId: 'wmetrics-1', emails: ['wmetrics@example.com'] },
    },
  );
  let samples: Sample[] = [];
  for (let i = 0; i < 100; i++) {
    samples = await scrape();
    const ran = { queue: 'enrichment', outcome: 'completed' };
    if (value(samples, 'mosaic_job_duration_seconds_count', ran) > 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(
    value(samples, 'mosaic_job_duration_seconds_count', {
      queue: 'enrichment',
      outcome: 'completed',
    }),
  ).toBeGreaterThan(0);
  expect(
    value(samples, 'mosaic_job_duration_seconds_sum', { queue: 'enrichment' }),
  ).toBeGreaterThan(0);
  const queues = new Set(
    samples.filter((x) => x.name === 'mosaic_queue_jobs').map((x) => x.labels.queue),
  );
  expect(queues).toEqual(
    new Set(['enrichment', 'segment-refresh', 'webhooks', 'identity', 'clustering']),
  );
  expect(value(samples, 'mosaic_process_resident_memory_bytes')).toBeGreaterThan(0);
  // A worker has no HTTP or GraphQL traffic of its own to report.
  expect(samples.some((x) => x.name.startsWith('mosaic_http_'))).toBe(false);
  expect(JSON.stringify(samples)).not.toContain('wmetrics');
});
